"""What the tests share: records to build (``factories``), local servers for every endpoint (``localserver``,
``faultserver``, ``wsserver``, ``e2e_world``), the sources' clock and switchable routes (``sources``), the parser
fuzzing harness (``fuzz``), the real engines (``engines``), the stand-in model (``llmstandin``), the fixtures'
bookkeeping (``fixtures``) and the paths of the tree (``paths``). Imported as ``helpers.<module>``: ``tests`` is on
the import path (``pythonpath`` in pyproject.toml)."""
