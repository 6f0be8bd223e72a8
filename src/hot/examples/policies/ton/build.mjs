// Compile the FunC example policies to BOC artifacts with @ton-community/func-js (WASM, offline).
// Usage: (cd examples/policies/ton && npm ci && node build.mjs)          writes <name>.boc (binary BOC)
//        (cd examples/policies/ton && npm ci && node build.mjs --check)  fails if an artifact is stale
import { compileFunc } from "@ton-community/func-js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const policies = ["approved_messages"];
const check = process.argv.includes("--check");
let stale = false;
for (const name of policies) {
  const source = `${name}.fc`;
  const artifact = `${name}.boc`;
  const result = await compileFunc({ targets: [source], sources: { [source]: readFileSync(source, "utf8") } });
  if (result.status === "error") {
    console.error(result.message);
    process.exit(1);
  }
  const boc = Buffer.from(result.codeBoc, "base64");
  if (check) {
    const current = existsSync(artifact) ? readFileSync(artifact) : Buffer.alloc(0);
    if (!current.equals(boc)) {
      console.error(`${artifact} is stale: run node build.mjs`);
      stale = true;
    }
  } else {
    writeFileSync(artifact, boc);
    console.log(`${source} -> ${artifact} (${boc.length} bytes)`);
  }
}
process.exit(stale ? 1 : 0);
