// The notes page's HTML, kept apart to show `require` between files of .owndir.
const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const page = (heading, body) => `<!doctype html>
<html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(heading)}</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  ul.notes { list-style: none; padding: 0; } li { padding: .5rem 0; border-bottom: 1px solid #8884; }
  time { color: #888; font-size: .9em; margin-left: .5rem; }
  form { display: flex; gap: .5rem; } input { flex: 1; } input, button { font: inherit; min-height: 44px; padding: 0 .75rem; }
  pre { white-space: pre-wrap; }
  @media (prefers-color-scheme: dark) { body { background: #111; color: #eee; } a { color: #8ab4f8; } }
</style>
<h1>${escape(heading)}</h1>
${body}
</html>`;

module.exports = { escape, page };
