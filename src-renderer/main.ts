// Renderer entry: mounts the app into #app. The API object (Electron preload or browser-mode client)
// comes from ./api.js; nothing here talks to Node.
import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './app.css';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('catnet: index.html has no #app element');
export default mount(App, { target });
