"""Synthetic tables with the statistical shape of a real one and no real record in it (docs/datalab.md).

- ``table``: typed columns of numpy arrays, read from text cells and written back the same way;
- ``reading``: CSV (UTF-8, CP949), XLSX and Parquet within size and row limits, told apart by content;
- ``cart``: sequential CART synthesis in the manner of synthpop (the default method), and the
  independent-marginals baseline (``CartSettings(independent=True)``);
- ``mst``: MST with an (ε, δ) differential-privacy guarantee, on numpy;
- ``rules``: ranges and orders between columns, given or found in the data;
- ``evaluation``: fidelity, utility, privacy and the release gate;
- ``pipeline``: ``synthesize(table, options)``, holdout to report.
"""

from foster.engines.synthesis.cart import CartSettings, CartSynthesizer, Condition, SynthesisError
from foster.engines.synthesis.evaluation import (
    GATE_COPY_TOLERANCE,
    GATE_MIN_DCR_RATIO,
    FidelityReport,
    PrivacyReport,
    ReleaseGate,
    UtilityReport,
    choose_target,
    fidelity,
    privacy,
    release_gate,
    utility,
)
from foster.engines.synthesis.mst import MstSynthesizer, cdp_delta, cdp_rho
from foster.engines.synthesis.pipeline import (
    Method,
    SynthesisOptions,
    SynthesisResult,
    evaluate,
    split_holdout,
    synthesize,
)
from foster.engines.synthesis.reading import RawTable, ReadLimits, TableRefusal, read_table, read_table_path
from foster.engines.synthesis.rules import (
    OrderRule,
    RangeRule,
    Rule,
    RuleError,
    infer_order_rules,
    parse_rule,
    parse_rules,
)
from foster.engines.synthesis.table import (
    CellError,
    Column,
    ColumnKind,
    Table,
    column_from_text,
    column_to_text,
    infer_kind,
    table_from_text,
    table_to_rows,
)

__all__ = [
    "GATE_COPY_TOLERANCE",
    "GATE_MIN_DCR_RATIO",
    "CartSettings",
    "CartSynthesizer",
    "CellError",
    "Column",
    "ColumnKind",
    "Condition",
    "FidelityReport",
    "Method",
    "MstSynthesizer",
    "OrderRule",
    "PrivacyReport",
    "RangeRule",
    "RawTable",
    "ReadLimits",
    "ReleaseGate",
    "Rule",
    "RuleError",
    "SynthesisError",
    "SynthesisOptions",
    "SynthesisResult",
    "Table",
    "TableRefusal",
    "UtilityReport",
    "cdp_delta",
    "cdp_rho",
    "choose_target",
    "column_from_text",
    "column_to_text",
    "evaluate",
    "fidelity",
    "infer_kind",
    "infer_order_rules",
    "parse_rule",
    "parse_rules",
    "privacy",
    "read_table",
    "read_table_path",
    "release_gate",
    "split_holdout",
    "synthesize",
    "table_from_text",
    "table_to_rows",
    "utility",
]
