"""Third-party files shipped with nianbao, unchanged, each with its licence and a README saying
where it came from and how to update it."""

from pathlib import Path

# plotly.js's basic partial bundle (bar, scatter, pie): all the trace types the charts draw.
PLOTLY_JS = Path(__file__).parent / "plotly" / "plotly-basic.min.js"
# Unicode's table of the CJK radicals and the unified ideographs they look like (⻅ → 见).
EQUIVALENT_UNIFIED_IDEOGRAPH = Path(__file__).parent / "unicode" / "EquivalentUnifiedIdeograph.txt"
