"""Text reuse: works and their witnesses, quotations and reprints, differences between copies.

`text` turns a document's compared text into normalised words and hashed word n-grams (pure: the
`fingerprints` stage runs it on workers); `align` finds the passages two documents share, tolerant
of OCR noise, hyphenation and dropped lines; `works` is the cross-document step run in the calling
process over stored fingerprints (candidates from rare shared n-grams, alignment, grouping into
works, merged metadata); `diff` shows word-level differences between two witnesses by paragraph.
"""
