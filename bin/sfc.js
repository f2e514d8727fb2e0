#!/usr/bin/env node
"use strict";
// The bundled CLI with its code cache when built (see load-cli.js), else dist/cli/main.js.
require("./load-cli.js")
  .loadCli()
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
