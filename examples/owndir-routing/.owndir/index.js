// OwnDir's routing, as its docs/server-routing.md tells it, in OwnDir's own module format:
// each folder's `.owndir/index.js` exports `{ O: { middleware, routes } }`, each entry
// `[method, path, ...handlers]` with Express handlers. A request walks down the path
// running each folder's middleware, then back up running each folder's routes. Copy this
// folder into a connected folder and open it; README, "OwnDir's modules", says what runs.
const { resolve } = require("path");

module.exports = {
  // Every folder's module below inherits this through its prototype.
  greeting: "Hello from the top folder",
  visits: 0,

  O: {
    middleware: [
      ["all", "*", function (req, res, next) {
        this.visits += 1; // `this` is this folder's module: its state lasts between requests
        req.trail = ["top folder: middleware"];
        next();
      }],
    ],
    routes: [
      ["get", "/api/visits", function (req, res) {
        res.json({ visits: this.visits });
      }],
      ["get", "/api/files", async function (req, res) {
        // `this.directory` is this folder as an FsNode.
        const children = await this.directory.children();
        res.json(children.map((node) => node.name));
      }],
      // The catch-all of OwnDir's documentation: everything no other handler took gets
      // this folder's page. Files are served before routes here, so it hides none.
      ["all", "*", function (req, res, next) {
        res.sendFile(resolve(__dirname, "index.html"));
      }],
    ],
  },
};
