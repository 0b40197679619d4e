"""Hot for me (docs/profiles.md): a profile's settings (``config``), its library of papers (``library``: BibTeX,
CSL-JSON, Zotero RDF, a list of ids), how close a paper is to it (``relevance``: TF-IDF or WordLlama embeddings),
and the score that mixes the default ranking with that relevance (``hotforme``). Pure: the jobs
(``hotpapers.jobs.profiles``) read the store and write the outputs."""
