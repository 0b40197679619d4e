# kramdown, the Markdown of Jekyll, as a line-oriented server for the tests (tests/helpers/engines.py).
#
# Each request is one JSON line on stdin, {"markdown": "...", "input": "GFM" | "kramdown"}; each answer one JSON
# line on stdout, {"html": "..."} or {"error": "..."}. The options are Jekyll's defaults for kramdown (input GFM,
# no hard wraps, auto ids, smart quotes, character entities as characters); "kramdown" is its other parser.
require "json"
require "kramdown"
require "kramdown-parser-gfm"

OPTIONS = {
  hard_wrap: false, auto_ids: true, footnote_nr: 1, entity_output: :as_char, toc_levels: (1..6).to_a,
  smart_quotes: "lsquo,rsquo,ldquo,rdquo", syntax_highlighter: nil, math_engine: "mathjax",
}.freeze

$stdout.sync = true
$stdin.set_encoding("UTF-8")
$stdin.each_line do |line|
  request = JSON.parse(line)
  answer =
    begin
      { "html" => Kramdown::Document.new(request["markdown"], OPTIONS.merge(input: request["input"])).to_html }
    rescue StandardError => e
      { "error" => "#{e.class}: #{e.message}" }
    end
  $stdout.puts(JSON.generate(answer))
end
