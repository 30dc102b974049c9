// Compiles the files the @nestjs/swagger CLI plugin annotates under `nest build` (DTO, docs and
// controller files) with that plugin, so the OpenAPI document of an app booted by the e2e tests
// carries the same generated metadata as the built app. jest.config.js passes the plugin options
// read from nest-cli.json, the one place they are written.
//
// This module is both:
//  - a Jest transformer (createTransformer): ts-jest with this module as an AST transformer. The
//    plugin needs the type checker, which isolatedModules transpilation lacks, so these files go
//    through ts-jest's language service (type errors are left to `npm run build` and lint, as for
//    every other file);
//  - the ts-jest AST transformer (name, version, factory) that runs the plugin.
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
const tsJest = require('ts-jest').default;
const { before } = require('@nestjs/swagger/plugin');
const { version: swaggerVersion } = require('@nestjs/swagger/package.json');
const { version: tsJestVersion } = require('ts-jest/package.json');
const { version: typescriptVersion } = require('typescript');

/** Bump when this file changes: part of the cache key below. */
const VERSION = 2;
const TOOLS = [VERSION, swaggerVersion, tsJestVersion, typescriptVersion].join(':');

/**
 * What a plugin-compiled file's output can depend on besides its own text: the types of any
 * source file, the compiler settings and the installed packages. Read on every call (a few ms),
 * so a changed file is seen in watch mode too.
 */
function inputsDigest(rootDir) {
  const hash = createHash('sha1');
  const files = ['tsconfig.json', 'package-lock.json', ...tsFilesUnder(rootDir, 'src')];
  for (const file of files) hash.update(file).update(readFileSync(path.join(rootDir, file)));
  return hash.digest('hex');
}

function tsFilesUnder(rootDir, dir) {
  return readdirSync(path.join(rootDir, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(rootDir, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

module.exports = {
  createTransformer(pluginOptions) {
    const transformer = tsJest.createTransformer({
      tsconfig: { isolatedModules: false },
      diagnostics: false,
      astTransformers: { before: [{ path: __filename, options: pluginOptions }] },
    });
    // ts-jest keeps one compiler per Jest project config, so the project's plain ts-jest
    // transform (isolatedModules, for every other file) and this one would share whichever was
    // created first. Give this one its own project config object (a distinct id).
    const ownConfigs = new WeakMap();
    const own = (options) => {
      let config = ownConfigs.get(options.config);
      if (!config) {
        config = { ...options.config, id: `${options.config.id}:swagger-plugin` };
        ownConfigs.set(options.config, config);
      }
      return { ...options, config };
    };
    // ts-jest builds its language service (the whole program, seconds per worker) as soon as it
    // is asked for a cache key. Keying here instead means a warm run never builds it.
    const cacheKey = (source, filePath, options) =>
      createHash('sha1')
        .update(TOOLS)
        .update(JSON.stringify(pluginOptions))
        .update(options.configString)
        .update(String(options.instrument))
        .update(inputsDigest(options.config.rootDir))
        .update(filePath)
        .update(source)
        .digest('hex');
    return {
      canInstrument: transformer.canInstrument,
      getCacheKey: cacheKey,
      getCacheKeyAsync: async (...args) => cacheKey(...args),
      process: (source, filePath, options) => transformer.process(source, filePath, own(options)),
      processAsync: (source, filePath, options) =>
        transformer.processAsync(source, filePath, own(options)),
    };
  },

  // The AST transformer.
  name: 'nestjs-swagger-plugin',
  version: TOOLS,
  factory(tsCompiler, pluginOptions) {
    // The plugin asks the type checker about the nodes it rewrites, so it needs the program those
    // nodes belong to. ts-jest's language service builds a new program whenever a file is first
    // seen or changes, while `tsCompiler.program` keeps the first one; ask for the current one.
    const program = tsCompiler._languageService?.getProgram() ?? tsCompiler.program;
    return before(pluginOptions, program);
  },
};
