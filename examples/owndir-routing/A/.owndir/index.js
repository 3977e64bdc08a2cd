// The A folder: its middleware runs on the way down, its routes on the way back up.
module.exports = {
  O: {
    middleware: [["all", "*", function (req, res, next) { req.trail.push("A: middleware"); next(); }]],
    routes: [["all", "*", function (req, res, next) { req.trail.push("A: routes"); next(); }]],
  },
};
