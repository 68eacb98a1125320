"""noticekg core: notices as text → records → RDF → validated store → answers.

The public API is listed here once; the CLI and the server use nothing else.
"""

__version__ = "0.1.0"
