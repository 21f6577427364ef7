"""A generated manufacturing quality table, for the benchmark, the demo and the tests.

Rows are production lots of a parts plant: line, shift, product, supplier, when produced and inspected
(inspection on the day of production or up to three days later: a rule the synthetic rows must keep),
process readings (temperature by line, pressure following temperature, humidity with 4% not recorded,
line speed), the measured thickness (by product, pressure and speed) and the inspection outcome: a rare
defect (about 3%, more likely at extreme temperatures, with one supplier, on thin parts and with new
operators) and its type. Nothing in it is real; the same seed gives the same table.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

HEADERS_EN = [
    "lot_id",
    "line",
    "shift",
    "product",
    "supplier",
    "produced_on",
    "inspected_on",
    "temperature_c",
    "pressure_kpa",
    "humidity_pct",
    "line_speed",
    "operator_years",
    "thickness_mm",
    "defect",
    "defect_type",
]
HEADERS_KO = [
    "로트번호",
    "라인",
    "교대",
    "제품",
    "자재공급사",
    "생산일",
    "검사일",
    "온도",
    "압력",
    "습도",
    "라인속도",
    "작업자경력",
    "두께",
    "불량",
    "불량유형",
]
LINES = ["A", "B", "C", "D"]
SHIFTS = ["주간", "야간", "심야"]
PRODUCTS = ["브래킷", "하우징", "커버", "플랜지", "샤프트"]
SUPPLIERS = ["대성금속", "한일소재", "삼우철강", "동아합금", "신진산업", "우리정밀"]
DEFECT_TYPES = ["스크래치", "찍힘", "치수불량", "이물"]


def manufacturing_quality_rows(
    rows: int, *, seed: int = 7, korean_headers: bool = False
) -> tuple[list[str], list[list[str]]]:
    """``(header, rows)`` of the generated table, every cell as text."""
    rng = np.random.default_rng(seed)
    line = rng.choice(len(LINES), rows, p=[0.35, 0.3, 0.2, 0.15])
    shift = rng.choice(len(SHIFTS), rows, p=[0.5, 0.35, 0.15])
    product = rng.choice(len(PRODUCTS), rows, p=[0.3, 0.25, 0.2, 0.15, 0.1])
    supplier = rng.choice(len(SUPPLIERS), rows, p=[0.25, 0.2, 0.2, 0.15, 0.12, 0.08])
    start = dt.datetime(2025, 1, 1)
    seconds = np.sort(rng.integers(0, 365 * 86_400, rows))
    shift_hour = np.array([8, 16, 0])[shift] + rng.integers(0, 8, rows)
    produced = [
        start
        + dt.timedelta(seconds=int(second) - int(second) % 86_400 + int(hour) * 3_600 + int(rng.integers(0, 3_600)))
        for second, hour in zip(seconds, shift_hour, strict=True)
    ]
    delay_days = rng.choice(4, rows, p=[0.55, 0.3, 0.1, 0.05])
    temperature = np.array([182.0, 188.0, 176.0, 191.0])[line] + rng.normal(0, 4.0, rows) + (shift == 2) * 1.5
    pressure = 420 + 1.8 * (temperature - 184) + rng.normal(0, 6.0, rows)
    humidity = np.clip(45 + 12 * np.sin(seconds / (365 * 86_400) * 2 * np.pi) + rng.normal(0, 5.0, rows), 15, 90)
    humidity_missing = rng.random(rows) < 0.04
    speed = np.round(np.array([120, 110, 135, 100])[line] + rng.normal(0, 6, rows)).astype(int)
    experience = np.clip(np.round(rng.gamma(2.0, 3.5, rows)), 0, 35).astype(int)
    base_thickness = np.array([2.4, 3.1, 1.8, 4.0, 5.2])[product]
    thickness = base_thickness + 0.004 * (pressure - 420) - 0.002 * (speed - 115) + rng.normal(0, 0.03, rows)
    risk = (
        -6.4
        + 0.12 * np.abs(temperature - np.array([182.0, 188.0, 176.0, 191.0])[line]) ** 1.3
        + 1.6 * (supplier == 5)
        + 1.2 * (experience <= 1)
        + 30.0 * np.clip(base_thickness - thickness - 0.02, 0, None)
    )
    defect = rng.random(rows) < 1 / (1 + np.exp(-risk))
    defect_type = np.where(
        defect,
        np.where(
            thickness < base_thickness - 0.03,
            2,
            rng.choice(len(DEFECT_TYPES), rows, p=[0.45, 0.3, 0.1, 0.15]),
        ),
        -1,
    )
    header = HEADERS_KO if korean_headers else HEADERS_EN
    out: list[list[str]] = []
    for index in range(rows):
        moment = produced[index]
        out.append(
            [
                f"LOT-{moment:%y%m}-{index + 1:06d}",
                LINES[line[index]],
                SHIFTS[shift[index]],
                PRODUCTS[product[index]],
                SUPPLIERS[supplier[index]],
                moment.date().isoformat(),
                (moment.date() + dt.timedelta(days=int(delay_days[index]))).isoformat(),
                f"{temperature[index]:.1f}",
                f"{pressure[index]:.1f}",
                "" if humidity_missing[index] else f"{humidity[index]:.1f}",
                str(speed[index]),
                str(experience[index]),
                f"{thickness[index]:.3f}",
                "Y" if defect[index] else "N",
                DEFECT_TYPES[defect_type[index]] if defect_type[index] >= 0 else "",
            ]
        )
    return list(header), out
