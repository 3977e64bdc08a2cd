//! Case tables shared by the Chromium and the Firefox tests: the same files, paths and
//! expectations, whichever browser runs the worker.

/// Files with awkward names and their expected `Content-Type`.
pub const TYPED_FILES: &[(&str, &[u8], &str)] = &[
    ("hello.txt", b"hello, folder\n", "text/plain; charset=utf-8"),
    ("data.json", b"{\"a\": 1}", "application/json; charset=utf-8"),
    ("page.html", b"<!doctype html><title>p</title>", "text/html; charset=utf-8"),
    ("script.js", b"export const x = 1;", "text/javascript; charset=utf-8"),
    ("image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "image/png"),
    ("blob.unknownext", b"\0\x01\x02\xff", "application/octet-stream"),
    ("noext", b"no extension", "application/octet-stream"),
    ("sub dir/a b.txt", b"spaces", "text/plain; charset=utf-8"),
    ("sub dir/#hash?%+.md", b"# symbols", "text/markdown; charset=utf-8"),
    ("日本語/😀 e\u{301}.txt", b"unicode", "text/plain; charset=utf-8"),
];

/// Paths the URL parser leaves alone, and the status each gets; `..` and `%2e%2e` are
/// resolved by the browser before the worker sees them, which the core's own tests cover.
pub const HOSTILE_PATHS: &[(&str, u16)] = &[
    ("/a%2Fb", 400),
    ("/..%2F..%2Fetc%2Fpasswd", 400),
    ("/a%5Cb", 400),
    ("/a%00b", 400),
    ("/a%0Ab", 400),
    ("/hello.txt/", 404),
    ("/@/nothing", 404),
];

/// Static mounts at three levels, a folder app, and plain files.
pub const MOUNT_TREE: &[(&str, &[u8])] = &[
    ("digits.txt", b"0123456789"),
    ("a/page.txt", b"the file itself"),
    ("a/.owndir/static/page.txt", b"a's mount"),
    ("a/.owndir/static/index.html", b"<!doctype html><title>a's app</title><h1>a</h1>"),
    ("b/page.txt", b"b's file"),
    ("b/.owndir/static/page.txt", b"b's mount"),
    (".owndir/static/a/page.txt", b"root mount"),
    ("inner/deeper/file.txt", b"inside"),
];

/// `Range` headers on `digits.txt` of [`MOUNT_TREE`]: status, body, `Content-Range`.
pub const RANGE_CASES: &[(&str, u16, &str, Option<&str>)] = &[
    ("bytes=0-3", 206, "0123", Some("bytes 0-3/10")),
    ("bytes=7-", 206, "789", Some("bytes 7-9/10")),
    ("bytes=-2", 206, "89", Some("bytes 8-9/10")),
    ("bytes=5-100", 206, "56789", Some("bytes 5-9/10")),
    ("bytes=10-", 416, "", Some("bytes */10")),
    ("bytes=3-1", 200, "0123456789", None),
    ("nonsense", 200, "0123456789", None),
];

/// At least 100 traversal attempts, as a page could send them after URL parsing.
pub fn traversal_attacks() -> Vec<String> {
    let prefixes = ["/", "/inner/", "/inner/deeper/"];
    let climbs = [
        "..%2F",
        "..%5C",
        "%2e%2e%2f",
        "%2E%2E%5C",
        "..%252f",
        "%252e%252e%252f",
        "..%c0%af",
        "%c0%ae%c0%ae%2f",
        "..%00/",
        ".%2e%2F",
        "%2e.%2F",
        "..%5c..%5c",
        "....%2F%2F",
        "..\\",
    ];
    let targets = ["etc%2Fpasswd", "windows%5Cwin.ini", "C:%5Cboot.ini", "secret%00.txt", "x%0D%0Ay"];
    let mut attacks = Vec::new();
    for prefix in prefixes {
        for climb in climbs {
            for target in targets {
                attacks.push(format!("{prefix}{}{target}", climb.repeat(3)));
            }
        }
    }
    attacks.extend(
        ["//etc/passwd", "/inner//file.txt", "/%00", "/a%2f..%2f..%2fdigits.txt", "/inner/%01"].map(String::from),
    );
    attacks
}

/// The folder the FsNode API tests start from.
pub const FSNODE_FIXTURES: &[(&str, &[u8])] =
    &[("docs/a.txt", b"hello"), ("docs/sub/b.txt", b"deep"), (".owndir/static/x.txt", b"app")];

/// Calls on [`FSNODE_FIXTURES`] that must fail: the page script, the status and the error.
pub const FSNODE_FAILURES: &[(&str, u16, &str)] = &[
    // Worded as OwnDir words them (docs/http.md): the path relative to the root.
    ("return await root.children('docs/a.txt');", 404, "docs/a.txt is not a directory"),
    ("return await root.write('.owndir/static/x.txt', 'no');", 403, ".owndir/static/x.txt cannot be written"),
    ("return await root.walk('docs/a.txt').move('/docs/sub/b.txt');", 409, "existing file found at docs/sub/b.txt"),
    ("return await root.makeDir('docs/a.txt/inner');", 500, "unable to mkDir docs/a.txt/inner"),
    ("return await root.write('docs/a.txt', 'x', { ifMatch: '\"stale\"' });", 412, "docs/a.txt has changed"),
];

/// Every handler that passes on writes its name and `ctx.path` to a trail in the worker;
/// `GET /trail` hands the trail over and empties it.
pub const ROOT_ROUTES: &str = r#"
const seen = (name) => (request, ctx) => { (self.trail ||= []).push(`${name} ${ctx.path}`); };
module.exports = {
  middleware: [
    ["all", "*", seen("root middleware")],
    ["get", "/blocked/*", () => new Response("blocked by the root", { status: 403 })],
  ],
  routes: [
    ["get", "/trail", () => { const trail = self.trail; self.trail = []; return Response.json(trail); }],
    ["all", "*", seen("root route")],
    ["get", "/a/b/hello/:name", () => new Response("the root says hello")],
  ],
};
"#;

/// `a/.owndir/routes.js` beside [`ROOT_ROUTES`]: middleware that answers, params,
/// wildcards, a route that would hide a file, a POST that echoes its body.
pub const A_ROUTES: &str = r#"
const seen = (name) => (request, ctx) => { (self.trail ||= []).push(`${name} ${ctx.path}`); };
module.exports = {
  middleware: [
    ["all", "*", seen("a middleware")],
    ["get", "/logo.txt", () => new Response("a's middleware")],
  ],
  routes: [
    ["get", "/b/hello/:name", (request, ctx) => new Response(`a says hello to ${ctx.params.name}`)],
    ["get", "/file.txt", () => new Response("a route that would hide the file")],
    ["get", "/files/*", (request, ctx) => Response.json({ params: ctx.params, path: ctx.path })],
    ["post", "/echo/:id", async (request, ctx) => Response.json({ id: ctx.params.id, body: await request.text(), method: request.method })],
  ],
};
"#;

/// `a/b/.owndir/routes.js`: only leaves its trail.
pub const AB_ROUTES: &str = r#"
const seen = (name) => (request, ctx) => { (self.trail ||= []).push(`${name} ${ctx.path}`); };
module.exports = { middleware: [["all", "*", seen("a/b middleware")]], routes: [["all", "*", seen("a/b route")]] };
"#;
