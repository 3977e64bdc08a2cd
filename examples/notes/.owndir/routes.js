// A notes folder as an app. Its page lists the Markdown notes in this folder with their
// first heading, newest first; a small API keeps a journal in journal.log. Copy the
// folder into a connected folder and open it: the worker runs this file (README, "Folder
// routes"); the file app stays at /@/browse/<this folder>/.
const { escape, page } = require("./lib/page");

/** The first `# Heading` of a note, or its file name. */
function title(name, text) {
  const heading = text.split("\n").find((line) => line.startsWith("# "));
  return heading ? heading.slice(2).trim() : name.replace(/\.md$/, "");
}

async function notes(dir) {
  const files = (await dir.files()).filter((node) => node.name.endsWith(".md"));
  const rows = await Promise.all(
    files.map(async (node) => ({ node, info: await node.info(), text: await node.text() })),
  );
  return rows.sort((a, b) => b.info.mtime - a.info.mtime || a.node.name.localeCompare(b.node.name));
}

module.exports = {
  routes: [
    ["get", "/", async (request, ctx) => {
      const items = (await notes(ctx.dir)).map(({ node, info, text }) =>
        `<li><a href="/@/browse${escape(node.absolutePath)}">${escape(title(node.name, text))}</a>` +
        ` <time>${new Date(info.mtime).toISOString().slice(0, 10)}</time></li>`);
      const list = items.length ? `<ul class="notes">${items.join("")}</ul>` : "<p>No notes yet.</p>";
      const body = `${list}
<h2>Journal</h2>
<form id="entry"><input name="line" aria-label="New journal entry" placeholder="What happened?" required>
<button>Add</button></form>
<pre id="journal"></pre>
<script>
  const journal = document.getElementById("journal");
  const show = async () => { journal.textContent = await (await fetch("api/journal")).text(); };
  document.getElementById("entry").addEventListener("submit", async (event) => {
    event.preventDefault();
    const line = event.target.line;
    await fetch("api/journal", { method: "POST", body: line.value });
    line.value = "";
    await show();
  });
  show();
</script>`;
      return new Response(page("Notes", body), { headers: { "Content-Type": "text/html; charset=utf-8" } });
    }],
    ["get", "/api/notes", async (request, ctx) =>
      Response.json((await notes(ctx.dir)).map(({ node, text }) => ({ name: node.name, title: title(node.name, text) })))],
    ["get", "/api/journal", async (request, ctx) => {
      const info = await ctx.dir.info("journal.log");
      const text = info ? await ctx.dir.walk("journal.log").text() : "";
      return new Response(text, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }],
    ["post", "/api/journal", async (request, ctx) => {
      const line = (await request.text()).replace(/\s+/g, " ").trim();
      if (!line) return Response.json({ success: false, status: 400, error: "an empty entry" }, { status: 400 });
      await ctx.dir.write("journal.log", `${new Date().toISOString()} ${line}\n`, { flags: "a" });
      return Response.json({ success: true, entry: line }, { status: 201 });
    }],
  ],
};
