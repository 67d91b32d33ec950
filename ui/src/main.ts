// Entry point: mounts the app shell into #app.
import { mount } from "svelte";
import App from "./App.svelte";
import { app } from "./lib/app.svelte";
import "./app.css";

// Asking where to start does not wait for the shell to mount: the answer is on its way meanwhile.
void app.start();

const target = document.getElementById("app");
if (target === null) throw new Error("#app is missing from index.html");

export default mount(App, { target });
