"""nianbao: a static-site generator for bilingual annual work reports."""

__version__ = "0.1.0"
