#!/usr/bin/env python3
"""Lists noexcept function bodies that look like they allocate or throw, for review.

A heuristic search (docs/reliability.md, "Bounded reports and noexcept"): every function
whose signature ends in `noexcept {` is scanned for `new`, growing containers, strings being
built, `throw` and `std::call_once`. Hits are candidates, not verdicts: the collector's hook
path reserves with mmap and says so by return value, and `new (mem) T` is placement new.
Usage: python3 scripts/noexcept_scan.py [ROOT]   (default: the repository)
"""
import os
import re
import sys

SIGNATURE = re.compile(r'noexcept(\s+override)?\s*\{')
SUSPECT = re.compile(r'\bnew\b|push_back|emplace|std::string\(|to_string\(|\.append\(|std::vector<|make_unique|'
                     r'make_shared|insert\(|resize\(|reserve\(|throw\b|std::function|std::filesystem::path\(|'
                     r'absolute\(|\.at\(|std::call_once')

def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..')
    for top in ('analyzer', 'collector', 'gui'):
        for directory, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(('.cpp', '.hpp')):
                    continue
                path = os.path.join(directory, name)
                text = open(path, errors='replace').read()
                for m in SIGNATURE.finditer(text):
                    i, depth = m.end(), 1
                    while depth and i < len(text):
                        depth += {'{': 1, '}': -1}.get(text[i], 0)
                        i += 1
                    hits = sorted(set(SUSPECT.findall(text[m.end():i])))
                    if hits:
                        line = text.count('\n', 0, m.start()) + 1
                        head = text[text.rfind('\n', 0, m.start()) + 1:m.end()].strip()
                        print(f"{os.path.relpath(path, root)}:{line}: {head[:100]}  -> {', '.join(hits)}")

if __name__ == '__main__':
    main()
