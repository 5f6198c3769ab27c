// ESLint: typescript-eslint's recommended rules, without type information so
// a run takes seconds. Formatting is Prettier's job (.prettierrc.json), the
// layers are dependency-cruiser's (.dependency-cruiser.cjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const browserGlobals = Object.fromEntries(
  [
    ...["window", "document", "location", "navigator", "history", "sessionStorage", "localStorage", "console"],
    ...["fetch", "URL", "URLSearchParams", "FormData", "Event", "CustomEvent", "EventSource", "AbortController"],
    ...["HTMLElement", "HTMLFormElement", "HTMLInputElement", "RadioNodeList", "Element", "Node"],
    ...["setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame"],
  ].map((name) => [name, "readonly"]),
);
const nodeGlobals = Object.fromEntries(["process", "console", "Buffer", "URL"].map((name) => [name, "readonly"]));

export default tseslint.config(
  { ignores: ["node_modules/", "coverage/", "data/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a parameter a signature needs but the body does not;
      // a caught error that is deliberately ignored needs no underscore.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Input checks match control characters on purpose (\x00-\x1f in a URL or a header is an attack).
      "no-control-regex": "off",
    },
  },
  // The web interface's own script runs in the browser.
  { files: ["src/web/assets/**/*.js"], languageOptions: { sourceType: "script", globals: browserGlobals } },
  { files: ["bin/**/*.js", "*.config.js"], languageOptions: { globals: nodeGlobals } },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs", globals: { ...nodeGlobals, module: "writable", require: "readonly" } } },
  {
    // Migrations use Kysely<any> on purpose (ARCHITECTURE.md: never app
    // types), so does the migrator that runs them; Fedify's MessageQueue
    // interface types its messages as any; tests and benchmarks read JSON
    // bodies whose shape each assertion checks.
    files: ["migrations/**", "src/db/migrator.ts", "src/db/queue.store.ts", "test/**", "bench/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
