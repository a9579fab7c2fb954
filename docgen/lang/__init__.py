"""Language facts shared by the stages, below both `translate` and `qa` (and the
writers): language profiles (`profiles.py`: locale, LanguageTool language), Russian
morphology (`morph.py`, pymorphy3) and which characters the PDF fonts can draw
(`fonts.py`). Stages use these public names, never each other's internals."""
