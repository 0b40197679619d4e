#!/usr/bin/env node
// The Markdown pipeline of a Gatsby Lumen blog, as a line-oriented server for the tests (tests/helpers/lumen_pipeline.py).
//
// Today's gatsby-starter-lumen renders posts with gatsby-transformer-remark (unified 9, remark-parse 9,
// remark-gfm 1, mdast-util-to-hast 10 and hast-util-to-html 7, raw HTML allowed) and gatsby-remark-katex
// (remark-math 4, then katex.renderToString on every math node with the starter's option `strict: "ignore"`;
// an error fails the build). The original tool's blog (2020) ran remark 10 with remark-math 1: its math nodes
// are reported too, to compare span rules.
//
// Each request is one JSON line on stdin; each answer one JSON line on stdout:
//   {"markdown": "..."}  ->  {"math": [{"value", "display", "error"}], "html": "...", "math2020": ["..."]}
//   {"spans": "..."}     ->  {"math": ["..."], "math2020": ["..."]}  (the math nodes' values only: no rendering)
//   {"tex": ["..."]}     ->  {"rendered": [{"html", "error"}]}     (KaTeX alone, inline, the starter's options)
// A post's YAML front matter (between the first two `---` lines) is cut off first, as Gatsby does.
'use strict'

const readline = require('readline')
const unified = require('unified')
const remarkParse = require('remark-parse')
const remarkGfm = require('remark-gfm')
const remarkMath = require('remark-math')
const toHast = require('mdast-util-to-hast')
const toHtml = require('hast-util-to-html')
const katex = require('katex')
const remark10 = require('remark-10')
const remarkMath1 = require('remark-math-1')

const KATEX_OPTIONS = { strict: 'ignore' } // gatsby-starter-lumen's gatsby-config.js
const current = unified().use(remarkParse).use(remarkGfm).use(remarkMath)
const original = remark10().use(remarkMath1)

function body (markdown) {
  if (!markdown.startsWith('---\n')) return markdown
  const end = markdown.indexOf('\n---\n', 4)
  return end === -1 ? markdown : markdown.slice(end + 5)
}

function visit (node, types, fn) {
  if (types.includes(node.type)) fn(node)
  for (const child of node.children || []) visit(child, types, fn)
}

function tex (value, displayMode) {
  try {
    return { html: katex.renderToString(value, { ...KATEX_OPTIONS, displayMode }), error: null }
  } catch (e) {
    return { html: null, error: String(e.message || e) }
  }
}

function post (markdown) {
  const text = body(markdown)
  const tree = current.runSync(current.parse(text))
  const math = []
  visit(tree, ['inlineMath', 'math'], (node) => {
    const display = node.type === 'math'
    const rendered = tex(node.value, display)
    math.push({ value: node.value, display, error: rendered.error })
    node.type = 'html' // what gatsby-remark-katex does
    node.value = rendered.html === null ? '' : rendered.html
    delete node.data
  })
  const html = toHtml(toHast(tree, { allowDangerousHtml: true }), { allowDangerousHtml: true })
  const math2020 = []
  visit(original.runSync(original.parse(text)), ['inlineMath', 'math'], (node) => math2020.push(node.value))
  return { math, html, math2020 }
}

function spans (markdown) {
  const text = body(markdown)
  const values = (processor) => {
    const found = []
    visit(processor.runSync(processor.parse(text)), ['inlineMath', 'math'], (node) => found.push(node.value))
    return found
  }
  return { math: values(current), math2020: values(original) }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', (line) => {
  const request = JSON.parse(line)
  let answer
  try {
    if ('tex' in request) answer = { rendered: request.tex.map((t) => tex(t, false)) }
    else if ('spans' in request) answer = spans(request.spans)
    else answer = post(request.markdown)
  } catch (e) {
    answer = { crash: String((e && e.stack) || e) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
})
