# Reference numbers for foster.engines.survey from R's survey package.
#
# Run once from this folder:  Rscript reference.R
# (Debian: apt-get install r-cran-survey r-cran-jsonlite). It writes the data sets (*.csv) and
# R's estimates (reference.json); the tests compare Foster against these committed files and do
# not need R. The data are drawn with a fixed seed, so running it again gives the same files.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})
set.seed(20240528)

# --- Data sets -----------------------------------------------------------------------------------

# A stratified sample with weights varying inside strata, an fpc (N_h) and three domains.
make_stratified <- function(n_strata, per_stratum, with_lonely = FALSE) {
  rows <- list()
  for (h in seq_len(n_strata)) {
    n_h <- per_stratum[h]
    N_h <- n_h * sample(5:40, 1)
    p_h <- runif(1, 0.1, 0.6)
    rows[[h]] <- data.frame(
      stratum = sprintf("S%02d", h),
      y = rbinom(n_h, 1, p_h),
      w = round(N_h / n_h * runif(n_h, 0.6, 1.4), 3),
      N_h = N_h,
      sector = sample(c("manufacturing", "services", "ict"), n_h, replace = TRUE, prob = c(0.5, 0.3, 0.2))
    )
  }
  do.call(rbind, rows)
}

stratified <- make_stratified(12, sample(8:80, 12, replace = TRUE))
write.csv(stratified, "stratified.csv", row.names = FALSE)

lonely <- make_stratified(6, c(30, 1, 25, 40, 1, 18))
write.csv(lonely, "lonely.csv", row.names = FALSE)

# Certainty stratum: one respondent who is the whole stratum (N_h = n_h = 1).
certain <- make_stratified(5, c(20, 30, 25, 15, 22))
certain <- rbind(certain, data.frame(stratum = "S99", y = 1, w = 1, N_h = 1, sector = "ict"))
write.csv(certain, "certainty.csv", row.names = FALSE)

unstratified <- data.frame(
  y = rbinom(400, 1, 0.27),
  w = round(runif(400, 10, 90), 2),
  region = sample(c("seoul", "busan", "gyeonggi", "jeju"), 400, replace = TRUE)
)
write.csv(unstratified, "unstratified.csv", row.names = FALSE)

missing <- make_stratified(5, c(40, 35, 50, 28, 33))
missing$y[sample(nrow(missing), 17)] <- NA
write.csv(missing, "missing.csv", row.names = FALSE, na = "")

# --- Estimates -----------------------------------------------------------------------------------

num <- function(x) if (is.na(x) || !is.finite(x)) NULL else unname(x)

estimate_case <- function(name, data, design, ci_method, domain = NULL, na_rm = FALSE, lonely = "fail",
                          options = list()) {
  options(survey.lonely.psu = lonely)
  method <- if (ci_method == "logit") "logit" else "beta"
  m <- svymean(~y, design, deff = TRUE, na.rm = na_rm)
  cp <- svyciprop(~y, design, method = method, na.rm = na_rm)
  result <- list(
    name = name, ci = ci_method, lonely = lonely, options = options,
    estimate = num(coef(m)[1]), se = num(SE(m)[1]),
    ci_low = num(attr(cp, "ci")[1]), ci_high = num(attr(cp, "ci")[2]),
    deff = num(deff(m)[1]), n = sum(!is.na(data$y))
  )
  if (!is.null(domain)) {
    by_mean <- svyby(~y, as.formula(paste0("~", domain)), design, svymean, na.rm = na_rm)
    by_ci <- svyby(~y, as.formula(paste0("~", domain)), design, svyciprop, method = method, vartype = "ci",
                   na.rm = na_rm)
    domains <- list()
    for (value in as.character(by_mean[[domain]])) {
      row <- by_mean[by_mean[[domain]] == value, ]
      row_ci <- by_ci[by_ci[[domain]] == value, ]
      domains[[value]] <- list(
        estimate = num(row$y), se = num(row$se),
        ci_low = num(row_ci$ci_l), ci_high = num(row_ci$ci_u),
        n = sum(data[[domain]] == value & !is.na(data$y))
      )
    }
    result$domains <- domains
  }
  result
}

cases <- list()
add <- function(case) cases[[length(cases) + 1]] <<- case

for (ci in c("logit", "korn-graubard")) {
  d <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N_h, data = stratified)
  add(c(estimate_case("stratified_weights_fpc", stratified, d, ci, domain = "sector"),
        list(file = "stratified.csv", stratum = "stratum", weight = "w", fpc = "N_h", domain = "sector")))

  d <- svydesign(ids = ~1, strata = ~stratum, fpc = ~N_h, data = stratified)
  add(c(estimate_case("stratified_fpc_no_weights", stratified, d, ci, domain = "sector"),
        list(file = "stratified.csv", stratum = "stratum", weight = NULL, fpc = "N_h", domain = "sector")))

  d <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = stratified)
  add(c(estimate_case("stratified_weights_no_fpc", stratified, d, ci, domain = "sector"),
        list(file = "stratified.csv", stratum = "stratum", weight = "w", fpc = NULL, domain = "sector")))

  d <- svydesign(ids = ~1, weights = ~w, data = unstratified)
  add(c(estimate_case("unstratified_weights", unstratified, d, ci, domain = "region"),
        list(file = "unstratified.csv", stratum = NULL, weight = "w", fpc = NULL, domain = "region")))

  d <- suppressWarnings(svydesign(ids = ~1, data = unstratified))
  add(c(estimate_case("equal_weights", unstratified, d, ci, domain = "region"),
        list(file = "unstratified.csv", stratum = NULL, weight = NULL, fpc = NULL, domain = "region")))

  d <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N_h, data = certain)
  add(c(estimate_case("certainty_stratum", certain, d, ci, domain = "sector"),
        list(file = "certainty.csv", stratum = "stratum", weight = "w", fpc = "N_h", domain = "sector")))

  d <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N_h, data = missing)
  add(c(estimate_case("missing_na_rm", missing, d, ci, domain = "sector", na_rm = TRUE),
        list(file = "missing.csv", stratum = "stratum", weight = "w", fpc = "N_h", domain = "sector")))

  d <- svydesign(ids = ~1, strata = ~stratum, fpc = ~N_h, data = missing)
  add(c(estimate_case("missing_na_rm_no_weights", missing, d, ci, domain = "sector", na_rm = TRUE),
        list(file = "missing.csv", stratum = "stratum", weight = NULL, fpc = "N_h", domain = "sector")))

  for (mode in c("adjust", "certainty", "remove", "average")) {
    for (with_fpc in c(TRUE, FALSE)) {
      d <- if (with_fpc) svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N_h, data = lonely)
           else svydesign(ids = ~1, strata = ~stratum, weights = ~w, data = lonely)
      add(c(estimate_case(paste0("lonely_", mode, if (with_fpc) "_fpc" else ""), lonely, d, ci,
                          domain = "sector", lonely = mode),
            list(file = "lonely.csv", stratum = "stratum", weight = "w", fpc = if (with_fpc) "N_h" else NULL,
                 domain = "sector")))
    }
  }
}
options(survey.lonely.psu = "fail")

# Post-stratification and raking of the stratified sample to population counts by sector and by a
# second margin (the stratum's first letter pair is one group; a size class made from the weight).
stratified$size <- ifelse(stratified$w > median(stratified$w), "large", "small")
sector_totals <- data.frame(sector = c("manufacturing", "services", "ict"), Freq = c(9000, 6000, 3500))
size_totals <- data.frame(size = c("large", "small"), Freq = c(11000, 7500))
write.csv(stratified, "calibration.csv", row.names = FALSE)
calibration_cases <- list()
for (ci in c("logit", "korn-graubard")) {
  base <- svydesign(ids = ~1, strata = ~stratum, weights = ~w, fpc = ~N_h, data = stratified)
  ps <- postStratify(base, ~sector, sector_totals)
  calibration_cases[[length(calibration_cases) + 1]] <- c(
    estimate_case("poststratified_sector", stratified, ps, ci, domain = "size"),
    list(kind = "poststratify", totals = list(sector = setNames(as.list(sector_totals$Freq), sector_totals$sector))))
  rk <- rake(base, list(~sector, ~size), list(sector_totals, size_totals))
  calibration_cases[[length(calibration_cases) + 1]] <- c(
    estimate_case("raked_sector_size", stratified, rk, ci, domain = "size"),
    list(kind = "rake", totals = list(sector = setNames(as.list(sector_totals$Freq), sector_totals$sector),
                                      size = setNames(as.list(size_totals$Freq), size_totals$size))))
}
options(survey.lonely.psu = "fail")

write(toJSON(list(
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  cases = cases,
  calibration = calibration_cases
), auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE), "reference.json")
cat("wrote reference.json with", length(cases) + length(calibration_cases), "cases\n")
