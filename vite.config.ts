// Vite builds the web view of the Tauri app from ui/ into ui/dist (tauri.conf.json's frontendDist);
// vitest runs the pure-logic tests next to the code they test.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  root: "ui",
  // Keep Vite's cache with the dependencies, not inside ui/.
  cacheDir: "../node_modules/.vite",
  plugins: [svelte()],
  // Tauri prints its own output: keep Vite's lines visible.
  clearScreen: false,
  // Only these variables reach the bundle (Tauri's CLI sets TAURI_ENV_*).
  envPrefix: ["VITE_", "TAURI_"],
  server: {
    // tauri.conf.json's devUrl points here; fail rather than silently move to another port.
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.4x / WebView2 / WKWebView all run ES2022.
    target: "es2022",
  },
  test: {
    include: ["src/**/*.test.ts"],
    // The tests cover pure functions: no DOM needed.
    environment: "node",
  },
});
