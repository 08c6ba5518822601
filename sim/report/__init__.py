"""Views of saved results: the offline HTML report, its numbers, its text (en, nl), PNG figures."""
