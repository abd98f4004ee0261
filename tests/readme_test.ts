/**
 * README.md and docs/*.md render as written. `deno fmt` rewraps Markdown
 * prose, and a code span broken across lines, or one that has lost a
 * backtick, can turn `>>` into nested quote markers and fuse code spans with
 * the prose around them. This test fails on such artefacts, on unbalanced
 * code fences, on relative links to files or headings that do not exist
 * (GitHub's heading anchors), and on a README longer than 220 lines.
 * SECURITY.md is checked too: it links into the docs.
 *
 * Needs only --allow-read; registered the same way on every platform.
 */
import assert from "node:assert/strict";

/** One rendering problem, where it is and what it is. */
interface Finding {
  file: string;
  line: number;
  message: string;
}

/** What the checker asks of the repository; paths are relative to its root. */
interface Files {
  /** Whether a file or directory exists. */
  exists(path: string): boolean;
  /** A Markdown file's text, or undefined when there is none. */
  read(path: string): string | undefined;
}

const README = "README.md";
const README_MAX_LINES = 220;
const ROOT = new URL("../", import.meta.url);

/** The repository on disk. */
const disk: Files = {
  exists(path: string): boolean {
    try {
      Deno.statSync(new URL(path === "" ? "./" : path, ROOT));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  },
  read(path: string): string | undefined {
    try {
      // A checkout with CRLF line ends renders the same.
      return Deno.readTextFileSync(new URL(path, ROOT)).replace(/\r\n/g, "\n");
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
  },
};

/** An in-memory repository, for checking the checker. */
function memoryFiles(
  texts: Record<string, string>,
  otherPaths: string[] = [],
): Files {
  const paths = new Set([...Object.keys(texts), ...otherPaths]);
  for (const path of [...paths]) {
    const parts = path.split("/");
    for (let i = 1; i < parts.length; i++) {
      paths.add(parts.slice(0, i).join("/"));
    }
  }
  return {
    exists: (path: string): boolean =>
      path === "" || paths.has(path.replace(/\/$/, "")),
    read: (path: string): string | undefined => texts[path],
  };
}

/** The repository on disk with some files replaced by the given texts. */
function overlay(files: Files, texts: Record<string, string>): Files {
  return {
    exists: (path: string): boolean => path in texts || files.exists(path),
    read: (path: string): string | undefined =>
      path in texts ? texts[path] : files.read(path),
  };
}

/** The number of lines, as `wc -l` counts them for a file ending in "\n". */
function countLines(text: string): number {
  const lines = text.split("\n");
  return text.endsWith("\n") ? lines.length - 1 : lines.length;
}

interface Fences {
  /** Per line: whether it belongs to a fenced code block (fences included). */
  inFence: boolean[];
  /** The 1-based line of a fence that is never closed, or 0. */
  unclosed: number;
  /**
   * 1-based lines, inside a code block, of fences that could close it but
   * carry an info string (```ts): a closing fence is missing before them.
   */
  misplaced: number[];
}

/** Finds the fenced code blocks (``` or ~~~, at any indentation). */
function scanFences(lines: string[]): Fences {
  const inFence: boolean[] = [];
  const misplaced: number[] = [];
  let char = "";
  let length = 0;
  let openedAt = 0;
  for (let index = 0; index < lines.length; index++) {
    const fence = /^\s*(`{3,}|~{3,})(.*)$/.exec(lines[index]);
    if (openedAt === 0) {
      const opens = fence !== null &&
        !(fence[1][0] === "`" && fence[2].includes("`"));
      if (opens) {
        char = fence[1][0];
        length = fence[1].length;
        openedAt = index + 1;
      }
      inFence.push(opens);
      continue;
    }
    inFence.push(true);
    if (fence && fence[1][0] === char && fence[1].length >= length) {
      if (fence[2].trim() === "") openedAt = 0;
      else misplaced.push(index + 1);
    }
  }
  return { inFence, unclosed: openedAt, misplaced };
}

interface CodeSpans {
  /** The line with each code span's text (backticks included) blanked. */
  prose: string;
  /** Whether a backtick run opens a code span that the line never closes. */
  unbalanced: boolean;
}

/**
 * Finds the code spans of one line, as CommonMark does: a run of backticks
 * opens a span that the next run of the same length closes; a backslash
 * escapes a backtick outside a span.
 */
function codeSpans(line: string): CodeSpans {
  let prose = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\" && line[i + 1] === "`") {
      prose += "  ";
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      prose += line[i];
      i++;
      continue;
    }
    let run = 0;
    while (line[i + run] === "`") run++;
    const fence = "`".repeat(run);
    let close = i + run;
    let end = -1;
    while (close < line.length) {
      const at = line.indexOf(fence, close);
      if (at < 0) break;
      let after = at + run;
      while (line[after] === "`") after++;
      if (after - at === run) {
        end = after;
        break;
      }
      close = after;
    }
    if (end < 0) return { prose: prose + line.slice(i), unbalanced: true };
    prose += " ".repeat(end - i);
    i = end;
  }
  return { prose, unbalanced: false };
}

/** GitHub's anchor for a heading's text. */
function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown text's headings (and HTML ids), as GitHub makes them. */
function anchors(text: string): Set<string> {
  const lines = text.split("\n");
  const { inFence } = scanFences(lines);
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const add = (heading: string): void => {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  };
  lines.forEach((line, index) => {
    if (inFence[index]) return;
    const atx = /^ {0,3}#{1,6}(?:\s+(.*?))?(?:\s+#+)?\s*$/.exec(line);
    if (atx) {
      add(atx[1] ?? "");
    } else if (
      /^ {0,3}(=+|-+)\s*$/.test(line) && index > 0 && !inFence[index - 1] &&
      /^ {0,3}[^\s|>#*+-]/.test(lines[index - 1]) &&
      !/^ {0,3}\d+[.)]\s/.test(lines[index - 1])
    ) {
      add(lines[index - 1]);
    }
    for (const id of line.matchAll(/<[a-z][^>]*\s(?:id|name)="([^"]+)"/gi)) {
      result.add(id[1]);
    }
  });
  return result;
}

/** A path relative to a directory, normalized; null when it leaves the root. */
function resolvePath(directory: string, relative: string): string | null {
  const parts: string[] = [];
  for (const part of [...directory.split("/"), ...relative.split("/")]) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

/** The directory of a repository path ("" for the root). */
function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

interface Link {
  line: number;
  target: string;
}

/** The link targets of a text whose code (fences and spans) is blanked out. */
function links(prose: string): Link[] {
  const result: Link[] = [];
  const lineAt = (index: number): number =>
    prose.slice(0, index).split("\n").length;
  const inline =
    /!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
  for (const match of prose.matchAll(inline)) {
    result.push({ line: lineAt(match.index), target: match[2] });
  }
  const definition = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm;
  for (const match of prose.matchAll(definition)) {
    result.push({ line: lineAt(match.index), target: match[1] });
  }
  return result;
}

/** What is wrong with one relative link target, or null. */
function checkTarget(
  file: string,
  target: string,
  files: Files,
): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) {
    return null; // a URL: not checked here
  }
  const hash = target.indexOf("#");
  const pathPart = hash < 0 ? target : target.slice(0, hash);
  const anchor = hash < 0 ? null : target.slice(hash + 1);
  let linked = file;
  if (pathPart !== "") {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathPart);
    } catch {
      return `link to ${target}: malformed path`;
    }
    const resolved = resolvePath(directoryOf(file), decoded);
    if (resolved === null) {
      return `link to ${target} leaves the repository`;
    }
    if (!files.exists(resolved)) {
      return `link to ${target}: no file ${resolved}`;
    }
    linked = resolved;
  }
  if (anchor === null) return null;
  if (anchor === "") return `link to ${target}: empty anchor`;
  if (!linked.endsWith(".md")) return null;
  const text = files.read(linked);
  if (text === undefined) return `link to ${target}: cannot read ${linked}`;
  if (!anchors(text).has(decodeURIComponent(anchor))) {
    return `link to ${target}: no heading #${anchor} in ${linked}`;
  }
  return null;
}

/** Every rendering problem of one Markdown file. */
function checkMarkdown(file: string, text: string, files: Files): Finding[] {
  const findings: Finding[] = [];
  const report = (line: number, message: string): void => {
    findings.push({ file, line, message });
  };
  const lines = text.split("\n");
  const { inFence, unclosed, misplaced } = scanFences(lines);
  if (unclosed) report(unclosed, "code fence never closed");
  for (const line of misplaced) {
    report(
      line,
      "code fence opened inside a code block (a closing fence missing)",
    );
  }
  const prose: string[] = [];
  lines.forEach((line, index) => {
    if (inFence[index]) {
      prose.push("");
      return;
    }
    const spans = codeSpans(line);
    prose.push(spans.prose);
    if (spans.unbalanced) {
      report(index + 1, "unbalanced backticks (a code span broken or fused)");
    }
    if (/^\s*>\s?>/.test(line)) {
      report(index + 1, "line starts with >> (stray nested quote markers)");
    }
    if (/(^|\s)>>(\s|$)/.test(spans.prose.replace(/^\s*>/, ""))) {
      report(index + 1, ">> outside a code span");
    }
  });
  for (const link of links(prose.join("\n"))) {
    const problem = checkTarget(file, link.target, files);
    if (problem) report(link.line, problem);
  }
  if (file === README && countLines(text) > README_MAX_LINES) {
    report(
      countLines(text),
      `${README} has ${countLines(text)} lines, more than ${README_MAX_LINES}`,
    );
  }
  return findings;
}

/** Every rendering problem of the given Markdown files. */
function checkDocs(paths: string[], files: Files): Finding[] {
  return paths.flatMap((path) => {
    const text = files.read(path);
    if (text === undefined) {
      return [{ file: path, line: 0, message: "file missing" }];
    }
    return checkMarkdown(path, text, files);
  });
}

/** Findings as "file:line: message" lines, for assertion messages. */
function describe(findings: Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}: ${f.message}`);
}

/** README.md and every docs/*.md, as repository paths. */
function documentationFiles(): string[] {
  const docs = [...Deno.readDirSync(new URL("docs/", ROOT))]
    .filter((entry) => entry.isFile && entry.name.endsWith(".md"))
    .map((entry) => `docs/${entry.name}`)
    .sort();
  return [README, ...docs];
}

Deno.test("README.md and docs/*.md have no rendering artefacts", (): void => {
  const paths = [...documentationFiles(), "SECURITY.md"];
  assert.ok(paths.length > 2, "docs/ holds no Markdown files");
  assert.deepEqual(describe(checkDocs(paths, disk)), []);
});

Deno.test(`README.md is at most ${README_MAX_LINES} lines`, (): void => {
  const lines = countLines(disk.read(README) ?? "");
  assert.ok(lines > 0, "README.md is empty");
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`);
});

Deno.test("README.md links every docs/*.md page", (): void => {
  const readme = disk.read(README) ?? "";
  const lines = readme.split("\n");
  const { inFence } = scanFences(lines);
  const prose = lines.map((line, i) => inFence[i] ? "" : codeSpans(line).prose);
  const linked = new Set(
    links(prose.join("\n")).map((link) => link.target.split("#")[0]),
  );
  const unlinked = documentationFiles().slice(1).filter((path) =>
    !linked.has(path)
  );
  assert.deepEqual(unlinked, []);
});

Deno.test("slug makes GitHub's heading anchors", (): void => {
  assert.equal(
    slug("A BCPL compiler (examples/bcpl/)"),
    "a-bcpl-compiler-examplesbcpl",
  );
  assert.equal(
    slug("CodePool: many small functions"),
    "codepool-many-small-functions",
  );
  assert.equal(
    slug("Windows, for real, under Wine"),
    "windows-for-real-under-wine",
  );
  assert.equal(slug("W^X, per platform"), "wx-per-platform");
  assert.equal(slug("Fast-call slot tables"), "fast-call-slot-tables");
  assert.equal(slug("`cpuFeatures()` and SIMD"), "cpufeatures-and-simd");
  assert.equal(slug("snake_case and kebab-case"), "snake_case-and-kebab-case");
  assert.equal(slug("See [the API](api.md)"), "see-the-api");
  assert.deepEqual(
    [...anchors("# Notes\n\n## Notes\n\n```sh\n# not a heading\n```\n")],
    ["notes", "notes-1"],
  );
});

Deno.test("the checker finds each kind of artefact", (): void => {
  const other = "# Other\n\n## Real heading\n";
  const cases: [string, string][] = [
    // The issue's own example: deno fmt rewrapped fused code spans.
    [">> |`with BCPL's precedence;`writen(n)`\n", "line starts with >>"],
    ["text\n>> more text\n", "line starts with >>"],
    ["> > nested\n", "line starts with >>"],
    ["shift with >> in prose\n", ">> outside a code span"],
    ["a `code span` and `another\none`\n", "unbalanced backticks"],
    ["a ``span` and more\n", "unbalanced backticks"],
    ["```ts\nconsole.log(1);\n", "code fence never closed"],
    ["````\n```\n", "code fence never closed"],
    ["```sh\nls\n\ntext\n\n```ts\nx;\n```\n", "closing fence missing"],
    ["[missing](missing.md)\n", "no file missing.md"],
    ["[missing](docs/)\n", "no file docs"],
    ["[up](../../outside.md)\n", "leaves the repository"],
    ["# Title\n\n[here](#nowhere)\n", "no heading #nowhere in page.md"],
    ["[there](other.md#nowhere)\n", "no heading #nowhere in other.md"],
    ["[wrapped\ntext](other.md#real)\n", "no heading #real in other.md"],
    ["[empty](other.md#)\n", "empty anchor"],
  ];
  for (const [text, expected] of cases) {
    const files = memoryFiles({ "page.md": text, "other.md": other });
    const found = describe(checkMarkdown("page.md", text, files));
    assert.ok(
      found.some((line) => line.includes(expected)),
      `${JSON.stringify(text)}: expected "${expected}", found ${
        JSON.stringify(found)
      }`,
    );
  }

  // A docs/ page must reach repository files through ../.
  const docsFiles = memoryFiles({ "docs/a.md": "" }, ["examples/hello.ts"]);
  assert.deepEqual(
    describe(checkMarkdown("docs/a.md", "[x](examples/hello.ts)\n", docsFiles)),
    ["docs/a.md:1: link to examples/hello.ts: no file docs/examples/hello.ts"],
  );
  assert.deepEqual(
    checkMarkdown("docs/a.md", "[x](../examples/hello.ts)\n", docsFiles),
    [],
  );

  // A README over the limit.
  const long = "# jit-memory\n" + "line\n".repeat(README_MAX_LINES);
  assert.deepEqual(
    describe(checkMarkdown(README, long, memoryFiles({ [README]: long }))),
    [`README.md:221: README.md has 221 lines, more than ${README_MAX_LINES}`],
  );
});

Deno.test("the checker accepts what renders as intended", (): void => {
  const text = [
    "# A BCPL compiler (examples/bcpl/)",
    "",
    "Shifts are `<<` and `>>`; `` a`b `` holds a backtick, and so does \\`.",
    "",
    "> A quotation, on one level.",
    "",
    "```bcpl",
    ">> inside a fence",
    "try(all, (ld | bit) << 1, cols | bit, (rd | bit) >> 1)",
    "```",
    "",
    "````md",
    "```ts",
    "nested, shown as text",
    "```",
    "````",
    "",
    "- a list item with a fence:",
    "",
    "  ```",
    "  0:	c3	ret",
    "  ```",
    "",
    "| op     | meaning |",
    "| ------ | ------- |",
    "| `\\|`  | or      |",
    "",
    "[top](#a-bcpl-compiler-examplesbcpl), [other](docs/other.md#real-heading),",
    "[wrapped",
    "text](docs/other.md), [web](https://example.com/x#y), [dir](docs/),",
    "[mail](mailto:someone@example.com), ![image](docs/other.md).",
    "",
    "[ref]: docs/other.md#real-heading",
    "",
  ].join("\n");
  const files = memoryFiles({
    [README]: text,
    "docs/other.md":
      "# Other\n\n## Real heading\n\n[back](../README.md#a-bcpl-compiler-examplesbcpl)\n",
  });
  assert.deepEqual(describe(checkDocs([README, "docs/other.md"], files)), []);
});

Deno.test("a broken copy of the real README fails the check", (): void => {
  const readme = disk.read(README);
  assert.ok(readme !== undefined, "README.md missing");
  assert.deepEqual(describe(checkDocs([README], disk)), []);
  const firstFence = readme.indexOf("\n```\n");
  assert.ok(firstFence > 0, "README.md has no closing fence to remove");
  const broken: [string, string, string][] = [
    [
      "a docs link to a missing page",
      readme.replace("(docs/api.md)", "(docs/api_missing.md)"),
      "no file docs/api_missing.md",
    ],
    [
      "a link to a heading that is not there",
      readme.replace(
        "docs/api.md#codebuffer-and-instruction",
        "docs/api.md#codebuffer",
      ),
      "no heading #codebuffer in docs/api.md",
    ],
    [
      "the mangled BCPL paragraph",
      readme + "\n>> |`with BCPL's precedence;`writen(n)`\n",
      "line starts with >>",
    ],
    [
      "a closing fence removed",
      readme.slice(0, firstFence) + "\n" + readme.slice(firstFence + 5),
      "closing fence missing",
    ],
    [
      "too many lines",
      readme + "\n".repeat(README_MAX_LINES),
      "more than 220",
    ],
  ];
  for (const [what, text, expected] of broken) {
    assert.notEqual(text, readme, `${what}: the copy is not broken`);
    const found = describe(
      checkDocs([README], overlay(disk, { [README]: text })),
    );
    assert.ok(
      found.some((line) => line.includes(expected)),
      `${what}: expected "${expected}", found ${JSON.stringify(found)}`,
    );
  }
});
