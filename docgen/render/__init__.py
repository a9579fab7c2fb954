"""Render: case → multilingual `Letter`, from the parallel templates in letter_templates/."""
from docgen.render.templates import TEMPLATE_VARIABLES, TemplateSet, load_templates, format_date
from docgen.render.letter import render_letter

__all__ = ["TEMPLATE_VARIABLES", "TemplateSet", "load_templates", "format_date", "render_letter"]
