/**
 * JSR install smoke test: installs this package the way a user would, from a
 * JSR registry, without JSR.
 *
 * Why: `deno publish --dry-run` proves the package builds, and the test suite
 * proves the code works when imported from the work tree, but neither shows
 * that a user who writes `import ... from "jsr:@bcpl/jit-memory@0.1.0"` gets
 * a working package: that the publish file list holds every module the
 * exports reach, that the exports map names real files, and that the code
 * runs from a remote, read-only copy with only `--allow-ffi`. JSR is not
 * reachable from the machines this project is built on, so this tool stands
 * a registry up itself:
 *
 * 1. runs `deno publish --dry-run --allow-dirty` and takes exactly the files
 *    it lists (nothing else is copied);
 * 2. lays them out in a temporary directory as JSR's registry API serves a
 *    package: `@scope/name/meta.json` (the versions), `@scope/name/
 *    <version>_meta.json` (the exports from deno.json and a manifest of every
 *    file's size and `sha256-<hex>` checksum, which Deno checks each
 *    downloaded file against; the optional `moduleGraph2` is left out, so
 *    Deno parses the modules itself) and `@scope/name/<version>/<path>`;
 * 3. serves that tree with `Deno.serve` on a free port of 127.0.0.1;
 * 4. writes a user script in a temporary directory outside the repository,
 *    with no deno.json, that imports the package and both assembler exports,
 *    assembles `mov eax, 42; ret` (x86-64) or `mov w0, #42; ret` (AArch64)
 *    for the host, runs it through `CodeBuffer` and `CodePool`, and prints
 *    `jsr smoke: ok 42`;
 * 5. runs it as `deno run --allow-ffi --no-config` in a clean environment: a
 *    fresh, empty DENO_DIR, `JSR_URL` pointing at the local registry and no
 *    proxy variables, and checks the exit code, the marker line, that every
 *    download came from the local registry, and that the registry served the
 *    entry file of every export;
 * 6. removes the temporary directories and stops the server whatever
 *    happened, and prints `jsr smoke: N files published, M served, ok`.
 *
 * Run it from anywhere (it finds the repository from its own location):
 *
 *     deno run --allow-all tools/jsr_smoke.ts
 *
 * It exits 0 on success and 1 with a message starting `jsr smoke: FAILED` on
 * any failure. To see that it can fail, `--corrupt-checksum` (or
 * `--corrupt-checksum=/arch/x86_64.ts` for another file; the environment
 * variable `JSR_SMOKE_CORRUPT_CHECKSUM` does the same) serves a manifest in
 * which one file's checksum is wrong: Deno must then refuse the download
 * ("Integrity check failed") and this tool must exit non-zero. `--keep`
 * leaves the temporary directories in place for inspection.
 *
 * Limitation: JSR rewrites bare specifiers that deno.json's import map
 * resolves ("unfurling") when a package is published; this tool serves the
 * files byte for byte, so it refuses to run if a published module imports a
 * bare specifier (none does: the package imports only relative paths).
 *
 * The user script is generated here rather than kept under tests/fixtures:
 * a fixture importing `jsr:@bcpl/jit-memory@<version>` would be picked up by
 * `deno task check` and fail there, as JSR is out of reach.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** A failure this tool explains itself; printed without a stack trace. */
class SmokeError extends Error {
  override name = "SmokeError";
}

/** What the command line asked for. */
interface Options {
  /** Manifest key ("/mod.ts") whose checksum is served wrong, or null. */
  corrupt: string | null;
  /** Leave the temporary directories behind. */
  keep: boolean;
}

/** The parts of deno.json this tool reads. */
interface PackageConfig {
  name: string;
  version: string;
  exports: Record<string, string>;
}

/** One file of the published package. */
interface PublishedFile {
  /** Path inside the package with a leading slash ("/arch/x86_64.ts"). */
  key: string;
  /** Absolute path in the work tree. */
  path: string;
  size: number;
  /** "sha256-" followed by 64 lowercase hex digits. */
  checksum: string;
}

/** A running local registry and what it was asked for. */
interface Registry {
  /** "http://127.0.0.1:<port>/" */
  url: string;
  /** GET/HEAD requests answered 200, counted by URL path. */
  served: Map<string, number>;
  /** Requests answered with an error status: "404 /path". */
  misses: string[];
  shutdown(): Promise<void>;
}

const MARKER = "jsr smoke: ok 42";
const PUBLISH_TIMEOUT_MS = 300_000;
const CHILD_TIMEOUT_MS = 300_000;

/** The repository: the parent of the folder this file is in. */
const REPO_ROOT: string = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
);

/** Parses the command line and JSR_SMOKE_CORRUPT_CHECKSUM. */
function parseOptions(args: string[]): Options {
  const options: Options = { corrupt: null, keep: false };
  const fromEnv = Deno.env.get("JSR_SMOKE_CORRUPT_CHECKSUM");
  if (fromEnv !== undefined && fromEnv !== "" && fromEnv !== "0") {
    options.corrupt = fromEnv === "1" ? "" : normalizeKey(fromEnv);
  }
  for (const arg of args) {
    if (arg === "--corrupt-checksum") {
      options.corrupt = "";
    } else if (arg.startsWith("--corrupt-checksum=")) {
      options.corrupt = normalizeKey(arg.slice("--corrupt-checksum=".length));
    } else if (arg === "--keep") {
      options.keep = true;
    } else if (arg === "--help" || arg === "-h") {
      console.log(
        "usage: deno run --allow-all tools/jsr_smoke.ts " +
          "[--corrupt-checksum[=/path/in/package.ts]] [--keep]",
      );
      Deno.exit(0);
    } else {
      throw new SmokeError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return options;
}

/** "arch/x86_64.ts" or "./arch/x86_64.ts" to the manifest key "/arch/x86_64.ts". */
function normalizeKey(path: string): string {
  return "/" + path.replace(/\\/g, "/").replace(/^\.?\/+/, "");
}

/** Reads name, version and exports (normalized to the object form). */
async function readPackageConfig(): Promise<PackageConfig> {
  const text = await Deno.readTextFile(join(REPO_ROOT, "deno.json"));
  const config = JSON.parse(text) as {
    name?: unknown;
    version?: unknown;
    exports?: unknown;
  };
  const { name, version } = config;
  if (typeof name !== "string" || !/^@[a-z0-9-]+\/[a-z0-9-]+$/.test(name)) {
    throw new SmokeError(
      `deno.json: "name" must be "@scope/name", got ${name}`,
    );
  }
  if (typeof version !== "string" || version === "") {
    throw new SmokeError(`deno.json: "version" is missing`);
  }
  let exports: Record<string, string>;
  if (typeof config.exports === "string") {
    exports = { ".": config.exports };
  } else if (
    typeof config.exports === "object" && config.exports !== null &&
    Object.values(config.exports).every((v: unknown): boolean =>
      typeof v === "string"
    )
  ) {
    exports = config.exports as Record<string, string>;
  } else {
    throw new SmokeError(`deno.json: "exports" must be a string or an object`);
  }
  return { name, version, exports };
}

/** Runs a command to completion with a timeout; returns code and output. */
async function run(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; clearEnv?: boolean },
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = (): SmokeError =>
    new SmokeError(
      `deno ${args.join(" ")} did not finish within ${timeoutMs / 1000} s`,
    );
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: options.cwd,
      env: options.env,
      clearEnv: options.clearEnv ?? false,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal,
    }).output();
  } catch (error) {
    if (signal.aborted) throw timedOut();
    throw new SmokeError(`cannot run deno ${args.join(" ")}: ${error}`);
  }
  const decoder = new TextDecoder();
  const result = {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
  if (signal.aborted) {
    const error = timedOut();
    error.message += "\n" + indent(result.stdout + result.stderr);
    throw error;
  }
  return result;
}

/** Indents every line of text for a failure message. */
function indent(text: string): string {
  return text.trimEnd().split(/\r?\n/).map((line: string): string =>
    "    | " + line
  ).join("\n");
}

/** Removes terminal colour codes, in case NO_COLOR is ignored somewhere. */
function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/**
 * Runs `deno publish --dry-run --allow-dirty` and returns the file URLs it
 * lists under "Simulating publish of <name>@<version> with files:" (or a
 * plain "Files" heading), exactly those and in its order.
 */
async function publishedFileUrls(pkg: PackageConfig): Promise<string[]> {
  const result = await run(
    ["publish", "--dry-run", "--allow-dirty"],
    { cwd: REPO_ROOT, env: { NO_COLOR: "1" } },
    PUBLISH_TIMEOUT_MS,
  );
  const text = stripAnsi(result.stdout + "\n" + result.stderr);
  if (result.code !== 0) {
    throw new SmokeError(
      `deno publish --dry-run exited with code ${result.code}\n${indent(text)}`,
    );
  }
  const lines = text.split(/\r?\n/);
  const heading = /^\s*(Simulating publish of (\S+) with files:|Files:?)\s*$/;
  const start = lines.findIndex((line: string): boolean => heading.test(line));
  if (start === -1) {
    throw new SmokeError(
      "deno publish --dry-run printed no file list (no line " +
        '"Simulating publish of ... with files:")\n' + indent(text),
    );
  }
  const published = heading.exec(lines[start])?.[2];
  const expected = `${pkg.name}@${pkg.version}`;
  if (published !== undefined && published !== expected) {
    throw new SmokeError(
      `deno publish --dry-run simulated ${published}, deno.json says ${expected}`,
    );
  }
  // "   file:///work/main/mod.ts (2.21KB)"
  const entry = /^\s+(file:\/\/\S+?)(?:\s+\([^)]*\))?\s*$/;
  const urls: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const match = entry.exec(line);
    if (match === null) break;
    urls.push(match[1]);
  }
  if (urls.length === 0) {
    throw new SmokeError(
      "deno publish --dry-run listed no files after its heading\n" +
        indent(text),
    );
  }
  return urls;
}

/** SHA-256 of bytes as lowercase hex. */
async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b: number): string => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** Turns the listed URLs into files of the package, with their checksums. */
async function describeFiles(urls: string[]): Promise<PublishedFile[]> {
  const files: PublishedFile[] = [];
  for (const url of urls) {
    const path = fileURLToPath(url);
    const rel = relative(REPO_ROOT, path);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new SmokeError(`published file ${url} is outside ${REPO_ROOT}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      throw new SmokeError(`cannot read published file ${path}: ${error}`);
    }
    files.push({
      key: "/" + rel.split(sep).join("/"),
      path,
      size: bytes.length,
      checksum: "sha256-" + await sha256Hex(bytes),
    });
  }
  return files;
}

/**
 * Refuses a module that imports a bare specifier: JSR would rewrite it on
 * publish, so the raw copy served here would not be what users get.
 */
async function checkNoBareImports(files: PublishedFile[]): Promise<void> {
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*\(?\s*["']([^"']+)["']/g,
  ];
  const allowed = /^(\.\.?\/|jsr:|npm:|node:|https?:|data:)/;
  const problems: string[] = [];
  for (const file of files) {
    if (!/\.[cm]?[jt]sx?$/.test(file.key)) continue;
    const lines = (await Deno.readTextFile(file.path)).split(/\r?\n/);
    lines.forEach((line: string, index: number): void => {
      const trimmed = line.trimStart();
      if (/^(\*|\/\/|\/\*)/.test(trimmed)) return; // comments, JSDoc examples
      for (const pattern of patterns) {
        for (const match of trimmed.matchAll(pattern)) {
          if (!allowed.test(match[1])) {
            problems.push(`${file.key}:${index + 1}: "${match[1]}"`);
          }
        }
      }
    });
  }
  if (problems.length > 0) {
    throw new SmokeError(
      "published modules import bare specifiers, which JSR rewrites on " +
        "publish and this tool cannot reproduce:\n" +
        indent(problems.join("\n")),
    );
  }
}

/** Writes the registry tree for one package version under root. */
async function writeRegistry(
  root: string,
  pkg: PackageConfig,
  files: PublishedFile[],
  corrupt: string | null,
): Promise<string | null> {
  const [scope, name] = pkg.name.slice(1).split("/");
  const packageDir = join(root, `@${scope}`, name);
  const manifest: Record<string, { size: number; checksum: string }> = {};
  for (const file of files) {
    manifest[file.key] = { size: file.size, checksum: file.checksum };
  }
  for (const [exportName, target] of Object.entries(pkg.exports)) {
    if (manifest[normalizeKey(target)] === undefined) {
      throw new SmokeError(
        `export "${exportName}" points at ${target}, which is not published`,
      );
    }
  }
  let corrupted: string | null = null;
  if (corrupt !== null) {
    corrupted = corrupt === "" ? normalizeKey(pkg.exports["."] ?? "") : corrupt;
    const entry = manifest[corrupted];
    if (entry === undefined) {
      throw new SmokeError(`--corrupt-checksum: ${corrupted} is not published`);
    }
    const hex = entry.checksum.slice("sha256-".length);
    const flipped = (parseInt(hex[0], 16) ^ 0xf).toString(16);
    entry.checksum = "sha256-" + flipped + hex.slice(1);
  }
  const meta = {
    scope,
    name,
    latest: pkg.version,
    versions: { [pkg.version]: {} },
  };
  const versionMeta = { manifest, exports: pkg.exports };
  await Deno.mkdir(join(packageDir, pkg.version), { recursive: true });
  await Deno.writeTextFile(
    join(packageDir, "meta.json"),
    JSON.stringify(meta, null, 2),
  );
  await Deno.writeTextFile(
    join(packageDir, `${pkg.version}_meta.json`),
    JSON.stringify(versionMeta, null, 2),
  );
  for (const file of files) {
    const target = join(packageDir, pkg.version, ...file.key.split("/"));
    await Deno.mkdir(dirname(target), { recursive: true });
    await Deno.copyFile(file.path, target);
  }
  return corrupted;
}

/** A Content-Type from which Deno takes the right media type. */
function contentType(path: string): string {
  const lower = path.toLowerCase();
  if (lower.endsWith(".json")) return "application/json; charset=utf-8";
  if (/\.[cm]?ts$/.test(lower)) return "application/typescript; charset=utf-8";
  if (lower.endsWith(".tsx")) return "text/tsx; charset=utf-8";
  if (/\.[cm]?js$/.test(lower)) return "text/javascript; charset=utf-8";
  if (lower.endsWith(".jsx")) return "text/jsx; charset=utf-8";
  if (lower.endsWith(".md")) return "text/markdown; charset=utf-8";
  if (lower.endsWith(".wasm")) return "application/wasm";
  if (/(^|\/)(license|readme)[^/]*$/.test(lower) || lower.endsWith(".txt")) {
    return "text/plain; charset=utf-8";
  }
  return "application/octet-stream";
}

/** Serves root read-only on a free port of 127.0.0.1, counting requests. */
function serveRegistry(root: string): Registry {
  const served = new Map<string, number>();
  const misses: string[] = [];
  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (request.method !== "GET" && request.method !== "HEAD") {
      misses.push(`405 ${request.method} ${path}`);
      return new Response("method not allowed\n", { status: 405 });
    }
    let segments: string[];
    try {
      segments = path.split("/").filter((s: string): boolean => s !== "")
        .map(decodeURIComponent);
    } catch {
      misses.push(`400 ${path}`);
      return new Response("bad path\n", { status: 400 });
    }
    if (segments.some((s: string): boolean => s === ".." || s.includes("\\"))) {
      misses.push(`400 ${path}`);
      return new Response("bad path\n", { status: 400 });
    }
    let body: Uint8Array;
    try {
      body = await Deno.readFile(join(root, ...segments));
    } catch {
      misses.push(`404 ${path}`);
      return new Response("not found\n", { status: 404 });
    }
    served.set(path, (served.get(path) ?? 0) + 1);
    return new Response(
      request.method === "HEAD" ? null : body as Uint8Array<ArrayBuffer>,
      {
        headers: {
          "content-type": contentType(path),
          "content-length": String(body.length),
          "cache-control": "no-store",
        },
      },
    );
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (): void => {} },
    handler,
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    served,
    misses,
    shutdown: (): Promise<void> => server.shutdown(),
  };
}

/** The user's program: imports the package from JSR and runs 42. */
function userScript(pkg: PackageConfig): string {
  const spec = `jsr:${pkg.name}@${pkg.version}`;
  return `// Written by tools/jsr_smoke.ts: a user's first program with ${pkg.name}.
import { CodeBuffer, CodePool } from "${spec}";
import * as x86 from "${spec}/x86_64";
import * as a64 from "${spec}/aarch64";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

// Both assemblers work on any host; check the bytes they produce.
const forX86 = new x86.Assembler().mov(x86.eax, 42).ret(); // mov eax, 42; ret
const forArm = new a64.Assembler().mov(a64.w0, 42).ret(); // mov w0, #42; ret
if (hex(forX86.bytes()) !== "b8 2a 00 00 00 c3") {
  throw new Error("x86-64 assembler produced " + hex(forX86.bytes()));
}
if (hex(forArm.bytes()) !== "40 05 80 52 c0 03 5f d6") {
  throw new Error("AArch64 assembler produced " + hex(forArm.bytes()));
}

const host = Deno.build.arch === "x86_64"
  ? forX86
  : Deno.build.arch === "aarch64"
  ? forArm
  : undefined;
if (host === undefined) throw new Error("unsupported CPU " + Deno.build.arch);

let fromBuffer: number;
{
  using buffer = new CodeBuffer();
  buffer.commit(host);
  fromBuffer = buffer.asFunction({ parameters: [], result: "i32" })();
}

let fromPool: number;
let strategy: string;
{
  using pool = new CodePool();
  const span = pool.add(host);
  fromPool = span.asFunction({ parameters: [], result: "i32" })();
  strategy = pool.stats().strategy;
  span.release();
}

if (fromBuffer !== 42 || fromPool !== 42) {
  throw new Error(\`expected 42, got \${fromBuffer} (CodeBuffer), \${fromPool} (CodePool)\`);
}
console.log(\`jsr smoke: \${Deno.build.os}/\${Deno.build.arch}, CodePool strategy \${strategy}\`);
console.log(\`jsr smoke: ok \${fromBuffer}\`);
`;
}

/** The child's whole environment: what Deno needs to run, nothing more. */
function childEnv(
  denoDir: string,
  registryUrl: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  // Windows needs SystemRoot and friends for sockets and temp files.
  for (
    const key of [
      "PATH",
      "HOME",
      "SystemRoot",
      "SYSTEMROOT",
      "windir",
      "TEMP",
      "TMP",
      "TMPDIR",
      "USERPROFILE",
      "LOCALAPPDATA",
      "APPDATA",
    ]
  ) {
    const value = Deno.env.get(key);
    if (value !== undefined) env[key] = value;
  }
  return {
    ...env,
    DENO_DIR: denoDir,
    JSR_URL: registryUrl,
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    NO_PROXY: "127.0.0.1,localhost",
  };
}

/**
 * The child's output for a failure message, its "Download <url>" progress
 * lines folded into a count, followed by the requests the registry refused.
 */
function childReport(
  stdout: string,
  stderr: string,
  registry: Registry,
): string {
  const lines = stripAnsi(stdout + stderr).split(/\r?\n/);
  const downloads =
    lines.filter((line: string): boolean => line.startsWith("Download "))
      .length;
  const rest = lines.filter((line: string): boolean =>
    !line.startsWith("Download ")
  );
  const misses = registry.misses.length === 0
    ? ""
    : `\n  the registry refused: ${registry.misses.join(", ")}`;
  return `${indent(rest.join("\n"))}\n  (${downloads} files downloaded from ` +
    `${registry.url}, ${registry.served.size} requests answered)${misses}`;
}

/** Seconds since start, for the timing lines. */
function seconds(start: number): string {
  return ((performance.now() - start) / 1000).toFixed(1) + " s";
}

/** The whole test; returns the exit code. Cleans up whatever happens. */
async function main(): Promise<number> {
  const options = parseOptions(Deno.args);
  const pkg = await readPackageConfig();
  const started = performance.now();

  let phase = performance.now();
  const urls = await publishedFileUrls(pkg);
  const files = await describeFiles(urls);
  await checkNoBareImports(files);
  console.log(
    `jsr smoke: deno publish --dry-run lists ${files.length} files of ` +
      `${pkg.name}@${pkg.version} (${seconds(phase)})`,
  );

  const temp = await Deno.makeTempDir({ prefix: "jsr_smoke_" });
  let registry: Registry | null = null;
  try {
    const registryRoot = join(temp, "registry");
    const userDir = join(temp, "user");
    const denoDir = join(temp, "deno_dir");
    await Deno.mkdir(userDir);
    await Deno.mkdir(denoDir);
    const fromRepo = relative(REPO_ROOT, userDir);
    if (!fromRepo.startsWith("..") && !isAbsolute(fromRepo)) {
      throw new SmokeError(`temporary directory ${temp} is inside the repo`);
    }

    const corrupted = await writeRegistry(
      registryRoot,
      pkg,
      files,
      options.corrupt,
    );
    if (corrupted !== null) {
      console.log(`jsr smoke: serving a wrong checksum for ${corrupted}`);
    }
    registry = serveRegistry(registryRoot);
    console.log(`jsr smoke: registry ${registry.url} (root ${registryRoot})`);

    const script = join(userDir, "main.ts");
    await Deno.writeTextFile(script, userScript(pkg));
    phase = performance.now();
    const args = ["run", "--allow-ffi", "--no-config", script];
    const child = await run(
      args,
      {
        cwd: userDir,
        env: childEnv(denoDir, registry.url),
        clearEnv: true,
      },
      CHILD_TIMEOUT_MS,
    );
    const childOutput = childReport(child.stdout, child.stderr, registry);
    const described = `deno ${args.join(" ")} (JSR_URL=${registry.url})`;
    if (child.code !== 0) {
      throw new SmokeError(
        `${described} exited with code ${child.code}\n${childOutput}`,
      );
    }
    const stdoutLines = child.stdout.split(/\r?\n/);
    if (!stdoutLines.includes(MARKER)) {
      throw new SmokeError(
        `${described} did not print "${MARKER}"\n${childOutput}`,
      );
    }
    // Every download must have come from the local registry, none from JSR.
    const foreign = stripAnsi(child.stderr).split(/\r?\n/).filter(
      (line: string): boolean =>
        /^Download /.test(line) && !line.includes(registry!.url),
    );
    if (foreign.length > 0) {
      throw new SmokeError(
        `${described} downloaded from elsewhere:\n${
          indent(foreign.join("\n"))
        }`,
      );
    }
    for (const line of stdoutLines.filter((l: string): boolean => l !== "")) {
      console.log(`  child: ${line}`);
    }
    console.log(`jsr smoke: user script ran (${seconds(phase)})`);

    // The registry must have served the metadata and every export's entry.
    const [scope, name] = pkg.name.slice(1).split("/");
    const base = `/@${scope}/${name}`;
    const required = [
      `${base}/meta.json`,
      `${base}/${pkg.version}_meta.json`,
      ...Object.values(pkg.exports).map((target: string): string =>
        `${base}/${pkg.version}${normalizeKey(target)}`
      ),
    ];
    const missing = required.filter((path: string): boolean =>
      (registry!.served.get(path) ?? 0) === 0
    );
    if (missing.length > 0) {
      throw new SmokeError(
        `the registry never served ${missing.join(", ")}; served:\n` +
          indent([...registry.served.keys()].join("\n") || "(nothing)"),
      );
    }
    for (const path of required) {
      console.log(`  served ${registry.served.get(path)}× ${path}`);
    }
    if (registry.misses.length > 0) {
      console.log(`  not served: ${registry.misses.join(", ")}`);
    }
    const unserved = files.filter((file: PublishedFile): boolean =>
      !registry!.served.has(`${base}/${pkg.version}${file.key}`)
    ).map((file: PublishedFile): string => file.key.slice(1));
    if (unserved.length > 0) {
      console.log(`  published, not downloaded: ${unserved.join(", ")}`);
    }
    const servedFiles =
      [...registry.served.keys()].filter((path: string): boolean =>
        path.startsWith(`${base}/${pkg.version}/`)
      ).length;
    console.log(
      `jsr smoke: ${files.length} files published, ${servedFiles} served, ok` +
        ` (${seconds(started)})`,
    );
    return 0;
  } finally {
    if (registry !== null) await registry.shutdown();
    if (options.keep) {
      console.log(`jsr smoke: kept ${temp}`);
    } else {
      try {
        await Deno.remove(temp, { recursive: true });
      } catch (error) {
        console.error(`jsr smoke: could not remove ${temp}: ${error}`);
      }
    }
  }
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main();
  } catch (error) {
    const message = error instanceof SmokeError
      ? error.message
      : error instanceof Error
      ? error.stack ?? error.message
      : String(error);
    console.error(`jsr smoke: FAILED: ${message}`);
    code = 1;
  }
  Deno.exit(code);
}
