"""Survey estimation: design-based proportions, intervals, design effects and domains for a
stratified sample with finite-population correction, post-stratification and raking, and the
logistic-trend forecast of a rate with its bootstrap fan.

Every formula follows R's ``survey`` package (``svydesign``, ``svymean``, ``svyciprop``,
``svyby``, ``postStratify``, ``rake``); ``tests/engines/survey_reference/`` holds R's numbers and
the script that made them, and the tests check agreement to at least 6 significant digits.
ADR 0008 says why the formulas are written here with numpy and scipy instead of calling a
survey library.
"""

from foster.engines.survey.calibration import calibrated_influence, poststratify, rake
from foster.engines.survey.design import (
    DesignError,
    DesignProblem,
    LonelyStratum,
    PostStratification,
    Raking,
    SurveyDesign,
    survey_design,
)
from foster.engines.survey.estimate import (
    DomainEstimate,
    IntervalMethod,
    ProportionEstimate,
    SurveyEstimate,
    estimate_proportion,
    stratified_variance,
)
from foster.engines.survey.forecast import (
    FAN_QUANTILES,
    MIN_WAVES,
    FanYear,
    Forecast,
    ForecastRefused,
    Wave,
    logistic_forecast,
)
from foster.engines.survey.responses import (
    NO_WORDS,
    YES_WORDS,
    ResponseTable,
    answer_value,
    responses_table,
)
from foster.engines.survey.result import estimate_to_json

__all__ = [
    "FAN_QUANTILES",
    "MIN_WAVES",
    "NO_WORDS",
    "YES_WORDS",
    "DesignError",
    "DesignProblem",
    "DomainEstimate",
    "FanYear",
    "Forecast",
    "ForecastRefused",
    "IntervalMethod",
    "LonelyStratum",
    "PostStratification",
    "ProportionEstimate",
    "Raking",
    "ResponseTable",
    "SurveyDesign",
    "SurveyEstimate",
    "Wave",
    "answer_value",
    "calibrated_influence",
    "estimate_proportion",
    "estimate_to_json",
    "logistic_forecast",
    "poststratify",
    "rake",
    "responses_table",
    "stratified_variance",
    "survey_design",
]
