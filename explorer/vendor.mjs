// Copies the explorer's JavaScript dependencies from node_modules (installed from
// package-lock.json by `npm ci`) into the Python package, with their licences and a manifest of
// versions and SHA-256 digests, so that `diplograph serve` needs neither npm nor another host.
// Rebuild: `npm ci --prefix explorer && npm run --prefix explorer vendor` (same lockfile, same bytes).
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "api", "explorer", "static", "vendor");

// [package, file in the package, name in vendor/]
const FILES = [
  ["cytoscape", "dist/cytoscape.esm.min.mjs", "cytoscape.esm.min.js"],
  ["cytoscape", "LICENSE", "cytoscape.LICENSE"],
];

const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
const manifest = {};
for (const [pkg, file, name] of FILES) {
  const locked = lock.packages[`node_modules/${pkg}`];
  const installed = JSON.parse(readFileSync(join(here, "node_modules", pkg, "package.json"), "utf8"));
  if (installed.version !== locked.version) {
    throw new Error(`${pkg} ${installed.version} installed, ${locked.version} locked: run npm ci`);
  }
  const source = join(here, "node_modules", pkg, file);
  copyFileSync(source, join(target, name));
  const sha256 = createHash("sha256").update(readFileSync(source)).digest("hex");
  manifest[name] = { package: pkg, version: locked.version, file, sha256 };
}
writeFileSync(join(target, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`vendored ${FILES.length} file(s) into ${target}`);
