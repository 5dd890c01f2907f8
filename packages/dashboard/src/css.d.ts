// Style sheets imported by the page bundle (esbuild collects them into dist/client/app.css).
declare module '*.css';
