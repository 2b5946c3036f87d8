#!/usr/bin/env bash
# Throughput of `ciyuan tokenize` end to end — process start, config, tokenizer load, reading and
# decoding the input, tokenizing, printing the count — on 32 MB inputs, from standard input (a pipe)
# and from a file path, for every shipped tokenizer family; beside it, one in-process call of the
# library on the same text (a single thread, the tokenizer already loaded).
#
#   bash bench/tokenize/run.sh                        # the tool's build (framework-dependent), 5 rounds
#   SINGLE=1 bash bench/tokenize/run.sh               # also the single-file ReadyToRun build
#   ROUNDS=3 MB=8 FAMILIES="qwen3 o200k" CORPORA=mixed bash bench/tokenize/run.sh
#   ALSO="before=/path/to/old/ciyuan.dll" bash bench/tokenize/run.sh   # and other builds in the same rounds
#   BUILDS="tool=/a/ciyuan.dll single=/b/ciyuan" bash bench/tokenize/run.sh   # builds made elsewhere, no publish
# A build is a ciyuan.dll (run with dotnet) or an executable. To time an older commit:
#   git worktree add /tmp/ciyuan-before COMMIT && dotnet publish /tmp/ciyuan-before/src/Ciyuan -c Release -o /tmp/before
#
# Corpora (bench/Ciyuan.Benchmarks `tokenize-corpus`; MB × 1,048,576 bytes each, UTF-8):
#   mixed      the tokenizer benchmark corpus (English prose, Chinese prose, code and JSON, emoji,
#              numbers, whitespace runs), one ~1 MB block per seed
#   generated  the tokenizer tests' generated corpus and reference vectors, repeated: rare scripts and
#              CJK characters from the whole range, special-token strings — the hard case, where most
#              pieces are new to the tokenizer's cache
# Rounds go over every corpus, family and input, alternating the builds, so a busy moment of a shared
# machine hits all of them alike; the table gives the median and the best round. MB/s = MB / wall seconds.
# No ciyuan.yaml is present, so the built-in families are used. Every count is checked: all rounds,
# both inputs and the in-process call must agree, or the script fails.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${ROUNDS:-5}"
mb="${MB:-32}"
read -r -a families <<<"${FAMILIES:-qwen3 deepseek_v3 o200k cl100k}"
read -r -a corpora <<<"${CORPORA:-mixed generated}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-tokenize.XXXXXX")"
trap 'rm -rf "$work"' EXIT

builds=()
declare -A program
add_build() { # NAME=PATH
  local name="${1%%=*}" path="${1#*=}"
  builds+=("$name")
  if [[ "$path" == *.dll ]]; then program[$name]="dotnet $path"; else program[$name]="$path"; fi
}
if [ -n "${BUILDS:-}" ]; then
  for build in $BUILDS; do add_build "$build"; done
else
  echo "publishing the tool's build (Release, framework-dependent)..." >&2
  dotnet publish "$repo/src/Ciyuan" -c Release --nologo -v quiet --artifacts-path "$work/build-tool" -o "$work/tool" >/dev/null
  builds+=(tool); program[tool]="dotnet $work/tool/ciyuan.dll"
  if [ "${SINGLE:-0}" = 1 ]; then
    echo "publishing the single file (linux-x64, ReadyToRun)..." >&2
    dotnet publish "$repo/src/Ciyuan" -c Release --nologo -v quiet --artifacts-path "$work/build-single" -o "$work/single" \
      -r linux-x64 --self-contained -p:PublishSingleFile=true >/dev/null
    builds+=(single); program[single]="$work/single/ciyuan"
  fi
fi

for build in ${ALSO:-}; do add_build "$build"; done

echo "building the corpora..." >&2
dotnet build "$repo/bench/Ciyuan.Benchmarks" -c Release --nologo -v quiet >/dev/null
bench="$repo/bench/Ciyuan.Benchmarks/bin/Release/net10.0/Ciyuan.Benchmarks.dll"
dotnet "$bench" tokenize-corpus "$work/corpus" "$mb" >/dev/null

declare -A modes
for build in "${builds[@]}"; do
  modes[$build]="stdin"
  # A build from before the FILE argument reads standard input only.
  if ${program[$build]} tokenize --help 2>/dev/null | grep -q 'FILE'; then modes[$build]="stdin file"; fi
done

# One run: appends "wall-seconds count" to its record.
run_once() { # BUILD CORPUS FAMILY MODE
  local input="$work/corpus/$2.txt" out="$work/out" t
  TIMEFORMAT='%R'
  t=$( { time (
    cd "$work"
    if [ "$4" = stdin ]; then cat "$input" | ${program[$1]} tokenize --model "$3" >"$out" 2>/dev/null
    else ${program[$1]} tokenize --model "$3" "$input" >"$out" 2>/dev/null; fi
  ) ; } 2>&1 )
  echo "$t $(head -n 1 "$out")" >>"$work/runs.$1.$2.$3.$4"
}

# Builds alternate innermost, so a change in the machine's load between runs hits them alike.
for round in $(seq "$rounds"); do
  echo "round $round of $rounds..." >&2
  for corpus in "${corpora[@]}"; do
    for family in "${families[@]}"; do
      for mode in stdin file; do
        for build in "${builds[@]}"; do
          if [[ " ${modes[$build]} " == *" $mode "* ]]; then run_once "$build" "$corpus" "$family" "$mode"; fi
        done
      done
    done
  done
done

# "median best count" in MB/s of one record; fails when its rounds printed different counts.
summary() { # FILE BYTES
  if [ "$(cut -d' ' -f2 "$1" | sort -u | wc -l)" -ne 1 ]; then echo "the rounds of $1 printed different counts" >&2; exit 1; fi
  sort -n "$1" | awk -v bytes="$2" '{ t[NR] = $1; c = $2 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "%.1f %.1f %s", bytes / 1048576 / m, bytes / 1048576 / t[1], c }'
}

for corpus in "${corpora[@]}"; do
  dotnet "$bench" tokenize-library "$work/corpus/$corpus.txt" "${families[@]}" >"$work/library.$corpus"
done

echo
echo "$(date -u +%Y-%m-%d), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), load average $(cut -d' ' -f1-3 /proc/loadavg), $rounds rounds, $mb MB inputs"
echo
echo "| build | corpus | family | tokens | stdin MB/s (median / best) | file MB/s (median / best) | library in-process, 1 thread, MB/s |"
echo "|---|---|---|--:|--:|--:|--:|"
for build in "${builds[@]}"; do
  for corpus in "${corpora[@]}"; do
    bytes=$(stat -c %s "$work/corpus/$corpus.txt")
    for family in "${families[@]}"; do
      read -r s_median s_best count <<<"$(summary "$work/runs.$build.$corpus.$family.stdin" "$bytes")"
      file_cell="—"
      if [ -e "$work/runs.$build.$corpus.$family.file" ]; then
        read -r f_median f_best f_count <<<"$(summary "$work/runs.$build.$corpus.$family.file" "$bytes")"
        [ "$f_count" = "$count" ] || { echo "$build $corpus $family: the file counted $f_count, standard input $count" >&2; exit 1; }
        file_cell="$f_median / $f_best"
      fi
      read -r _ library_count library_mbs <<<"$(grep "^$family " "$work/library.$corpus")"
      [ "$library_count" = "$count" ] || { echo "$build $corpus $family: the command counted $count, the library $library_count" >&2; exit 1; }
      echo "| $build | $corpus | $family | $count | $s_median / $s_best | $file_cell | $library_mbs |"
    done
  done
done
