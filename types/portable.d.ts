// Types of AssemblyScript's portable mode (i32, u8, f64, ...), so that the portable kernel core
// type-checks as ordinary TypeScript. At run time they are plain numbers.
/// <reference path="../node_modules/assemblyscript/std/portable/index.d.ts" />
