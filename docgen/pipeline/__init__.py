"""Pipelines: the stages run in order over one build state, with a Session holding what is expensive."""
