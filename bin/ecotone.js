#!/usr/bin/env node
// The `ecotone` command. Needs Node.js 24 (it runs TypeScript directly); inside
// the project, `npx ecotone` finds the project's own Node.js 24 first on PATH.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  console.error(`ecotone needs Node.js 24 or newer (this is ${process.version}); run it as \`npx ecotone\` inside the project.`);
  process.exit(1);
}
await import("../src/cli/main.ts");
