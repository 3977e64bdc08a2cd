// The floor for `cargo xtask bench`: a plain-JavaScript service worker that serves this
// origin's private folder (OPFS) at its own paths, with none of owndir's rules (no static
// mounts, no folder record in IndexedDB, no wasm). Whole files, one `bytes=a-b` range, and
// a directory (path ending in `/`) as a JSON listing, as our worker answers them. For the
// bench's breakdowns only: `?names` lists names without opening each file, and `PUT`
// writes the body by `pipeTo` (as our worker does), or as one Blob with `?blob`.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  if (event.request.mode !== "navigate") event.respondWith(serve(event.request));
});

async function serve(request) {
  const url = new URL(request.url);
  const names = url.pathname.split("/").map(decodeURIComponent);
  const last = names.pop();
  try {
    let dir = await navigator.storage.getDirectory();
    for (const name of names.filter(Boolean)) dir = await dir.getDirectoryHandle(name);
    if (request.method === "PUT") return write(request, dir, last, url.searchParams.has("blob"));
    if (last === "") return listing(dir, url.searchParams.has("names"));
    const file = await (await dir.getFileHandle(last)).getFile();
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.get("Range") || "");
    if (!range) return new Response(file, { headers: { "Content-Length": file.size } });
    const [start, end] = [Number(range[1]), Math.min(Number(range[2]), file.size - 1)];
    const headers = { "Content-Range": `bytes ${start}-${end}/${file.size}` };
    return new Response(file.slice(start, end + 1), { status: 206, headers });
  } catch {
    return new Response("not found", { status: 404 });
  }
}

async function listing(dir, namesOnly) {
  const entries = [];
  for await (const handle of dir.values()) entries.push(handle);
  const info = async (handle) => {
    if (handle.kind === "directory" || namesOnly) return { name: handle.name, kind: handle.kind };
    const file = await handle.getFile();
    return { name: handle.name, kind: "file", size: file.size, mtime: file.lastModified };
  };
  const body = JSON.stringify(await Promise.all(entries.map(info)));
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

async function write(request, dir, name, asBlob) {
  const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
  if (asBlob) {
    await writable.write(await request.blob());
    await writable.close();
  } else {
    await request.body.pipeTo(writable);
  }
  return new Response(null, { status: 204 });
}
