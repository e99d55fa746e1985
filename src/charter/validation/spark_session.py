"""The SparkSession a validation runs on: the caller's (a cluster, Databricks) or local mode.

Spark needs Java; without it pyspark fails deep inside py4j, so the absence is
found first and said in one sentence with how to get Java.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from charter.validation.errors import ValidationSetupError

JAVA_HINT = (
    "Spark needs Java 17 or newer: install it (Debian/Ubuntu: "
    "apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) "
    "or set JAVA_HOME"
)
# Spark local mode as the embedded default: small, quiet, no web UI, UTC.
LOCAL_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.timeType.enabled": "true",  # ODCS `time` columns are Spark's TIME type
    "spark.driver.memory": os.environ.get("CHARTER_SPARK_DRIVER_MEMORY", "2g"),
}


class SparkSetupError(ValidationSetupError):
    """Spark cannot start here (no pyspark, no Java); the message says how to fix it."""


def java_available() -> bool:
    """Whether a Java runtime is on PATH or at JAVA_HOME."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return True
    return shutil.which("java") is not None


def session(spark: Any = None) -> Any:
    """The caller's session, else the active one (Databricks, spark-submit), else local[2]."""
    # pyspark logs each failed query as JSON on stderr; Charter reports what failed itself
    logging.getLogger("DataFrameQueryContextLogger").setLevel(logging.CRITICAL)
    if spark is not None:
        return spark
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415 - the spark extra is optional
    except ImportError:
        raise SparkSetupError(
            "the Spark engine needs pyspark, which comes with charter's spark extra: "
            "install charter[spark]"
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if "PYSPARK_GATEWAY_PORT" in os.environ:  # under spark-submit: its master and settings
        return SparkSession.builder.appName("charter validate").getOrCreate()
    if not java_available():
        raise SparkSetupError(JAVA_HINT)
    builder = SparkSession.builder.master(os.environ.get("CHARTER_SPARK_MASTER", "local[2]"))
    builder = builder.appName("charter validate")
    for key, value in LOCAL_CONFIG.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
