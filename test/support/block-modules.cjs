// Preloaded with `node -r` to make modules unresolvable, as on a machine where they are
// not installed: BLOCK=onnxruntime-node,protobufjs node -r ./block-modules.cjs ...
const Module = require("module");
const blocked = (process.env.BLOCK || "").split(",");
const orig = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked.some((b) => request === b || request.startsWith(b + "/"))) {
    const e = new Error(`Cannot find module '${request}'`);
    e.code = "MODULE_NOT_FOUND";
    throw e;
  }
  return orig.call(this, request, ...rest);
};
