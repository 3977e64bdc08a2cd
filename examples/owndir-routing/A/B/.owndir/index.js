// The A/B folder: its middleware runs on the way down, its routes on the way back up.
module.exports = {
  O: {
    middleware: [["all", "*", function (req, res, next) { req.trail.push("A/B: middleware"); next(); }]],
    routes: [["all", "*", function (req, res, next) { req.trail.push("A/B: routes"); next(); }]],
  },
};
