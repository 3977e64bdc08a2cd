// The deepest folder. Its routes run first on the way back up, so it answers `trail`;
// `this.greeting` comes from the top folder's module, which this one inherits from.
module.exports = {
  O: {
    middleware: [["all", "*", function (req, res, next) { req.trail.push("A/B/C: middleware"); next(); }]],
    routes: [
      ["get", "/trail", function (req, res) {
        req.trail.push("A/B/C: routes");
        res.json({ trail: req.trail, greeting: `${this.greeting}, seen from ${this.directory.path}` });
      }],
    ],
  },
};
