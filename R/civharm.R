# civharm's tables in R, each column with its type from schemas/.
# Generated from schemas/ by `make r-script` (civharm/metadata/rreader.py); do not edit by hand.
#
# Needs readr (Debian: apt-get install r-cran-readr; elsewhere install.packages("readr")).
#   source("R/civharm.R")                                    # from the package folder
#   incidents <- civharm_read("incidents")
#   claims <- civharm_read("claims", package = "civharm-1.0.0")  # another copy of the package
#   everything <- civharm_read_all()                         # a named list of every table
#
# integer -> integer, number -> double, date -> Date, an enum -> factor whose levels are its
# allowed values in the schema's order, other strings -> character (even a column blank in every
# row); only the schema's missing values (a blank cell) become NA, and no cell is trimmed.

civharm_tables <- list(
  incidents = list(
    path = "data/incidents.csv",
    na = c(""),
    col_types = readr::cols(
      incident_id = readr::col_character(),
      status = readr::col_factor(levels = c("active", "merged", "retracted")),
      merged_into = readr::col_character(),
      status_reason = readr::col_character(),
      campaign = readr::col_factor(levels = c("raqqa-2017", "mosul-2016-2017")),
      date_start = readr::col_date(format = "%Y-%m-%d"),
      date_end = readr::col_date(format = "%Y-%m-%d"),
      date_precision = readr::col_factor(levels = c("day", "range", "month")),
      local_time = readr::col_character(),
      country = readr::col_character(),
      admin1 = readr::col_character(),
      admin2 = readr::col_character(),
      locality = readr::col_character(),
      neighbourhood = readr::col_character(),
      place_id = readr::col_character(),
      latitude = readr::col_double(),
      longitude = readr::col_double(),
      location_precision = readr::col_factor(levels = c("point", "neighbourhood", "locality", "admin2", "admin1", "country")),
      means = readr::col_factor(levels = c("airstrike", "artillery", "air_or_artillery", "ground_fire", "explosive_device", "execution", "other", "unknown")),
      cause = readr::col_factor(levels = c("airstrike", "drone_strike", "shelling", "rocket", "mortar", "heavy_weapons", "small_arms", "sniper", "execution", "suicide_bomber", "vehicle_bomb", "ied", "landmine_or_booby_trap", "unexploded_ordnance", "other", "unknown")),
      target = readr::col_character(),
      actor_id = readr::col_character(),
      attribution = readr::col_factor(levels = c("declared", "likely", "contested", "unknown")),
      civilians_killed_min = readr::col_integer(),
      civilians_killed_max = readr::col_integer(),
      children_killed_min = readr::col_integer(),
      children_killed_max = readr::col_integer(),
      women_killed_min = readr::col_integer(),
      women_killed_max = readr::col_integer(),
      men_killed_min = readr::col_integer(),
      men_killed_max = readr::col_integer(),
      injured_min = readr::col_integer(),
      injured_max = readr::col_integer(),
      grade = readr::col_factor(levels = c("fair", "single_source", "weak", "belligerent_only")),
      belligerent_position = readr::col_factor(levels = c("conceded", "denied")),
      belligerent_position_date = readr::col_date(format = "%Y-%m-%d"),
      summary = readr::col_character(),
      notes = readr::col_character(),
      updated_on = readr::col_date(format = "%Y-%m-%d")
    )
  ),
  sources = list(
    path = "data/sources.csv",
    na = c(""),
    col_types = readr::cols(
      source_id = readr::col_character(),
      source_type = readr::col_factor(levels = c("news_article", "ngo_statement", "ngo_report", "incident_record", "military_statement", "government_statement", "dataset", "social_media")),
      category = readr::col_factor(levels = c("belligerent", "monitor", "media", "dataset", "other")),
      publisher = readr::col_character(),
      author = readr::col_character(),
      title = readr::col_character(),
      url = readr::col_character(),
      archive_url = readr::col_character(),
      published_on = readr::col_date(format = "%Y-%m-%d"),
      language = readr::col_character(),
      republished_from = readr::col_character(),
      licence = readr::col_character(),
      notes = readr::col_character(),
      updated_on = readr::col_date(format = "%Y-%m-%d")
    )
  ),
  claims = list(
    path = "data/claims.csv",
    na = c(""),
    col_types = readr::cols(
      claim_id = readr::col_character(),
      incident_id = readr::col_character(),
      source_id = readr::col_character(),
      cited_source_id = readr::col_character(),
      claim_type = readr::col_factor(levels = c("report", "admission", "denial")),
      belligerent_assessment = readr::col_factor(levels = c("credible", "non_credible", "duplicate", "not_yet_assessed", "other")),
      date_start = readr::col_date(format = "%Y-%m-%d"),
      date_end = readr::col_date(format = "%Y-%m-%d"),
      local_time = readr::col_character(),
      stated_on = readr::col_date(format = "%Y-%m-%d"),
      stated_on_precision = readr::col_factor(levels = c("day", "month")),
      place = readr::col_character(),
      place_id = readr::col_character(),
      target = readr::col_character(),
      means = readr::col_factor(levels = c("airstrike", "artillery", "air_or_artillery", "ground_fire", "explosive_device", "execution", "other", "unknown")),
      cause = readr::col_factor(levels = c("airstrike", "drone_strike", "shelling", "rocket", "mortar", "heavy_weapons", "small_arms", "sniper", "execution", "suicide_bomber", "vehicle_bomb", "ied", "landmine_or_booby_trap", "unexploded_ordnance", "other", "unknown")),
      actor_id = readr::col_character(),
      civilians_killed_min = readr::col_integer(),
      civilians_killed_max = readr::col_integer(),
      children_killed_min = readr::col_integer(),
      children_killed_max = readr::col_integer(),
      women_killed_min = readr::col_integer(),
      women_killed_max = readr::col_integer(),
      men_killed_min = readr::col_integer(),
      men_killed_max = readr::col_integer(),
      injured_min = readr::col_integer(),
      injured_max = readr::col_integer(),
      external_id = readr::col_character(),
      external_url = readr::col_character(),
      source_grade = readr::col_factor(levels = c("confirmed", "fair", "weak", "contested", "discounted")),
      source_coding = readr::col_character(),
      statement = readr::col_character(),
      notes = readr::col_character(),
      superseded_by = readr::col_character(),
      updated_on = readr::col_date(format = "%Y-%m-%d")
    )
  ),
  tallies = list(
    path = "data/tallies.csv",
    na = c(""),
    col_types = readr::cols(
      tally_id = readr::col_character(),
      source_id = readr::col_character(),
      cited_source_id = readr::col_character(),
      period_start = readr::col_date(format = "%Y-%m-%d"),
      period_end = readr::col_date(format = "%Y-%m-%d"),
      period_text = readr::col_character(),
      campaign = readr::col_factor(levels = c("raqqa-2017", "mosul-2016-2017")),
      country = readr::col_character(),
      area = readr::col_character(),
      area_level = readr::col_factor(levels = c("locality", "admin2", "admin1", "country")),
      area_name = readr::col_character(),
      actor_id = readr::col_character(),
      external_id = readr::col_character(),
      external_url = readr::col_character(),
      civilians_killed_min = readr::col_integer(),
      civilians_killed_max = readr::col_integer(),
      children_killed_min = readr::col_integer(),
      children_killed_max = readr::col_integer(),
      women_killed_min = readr::col_integer(),
      women_killed_max = readr::col_integer(),
      men_killed_min = readr::col_integer(),
      men_killed_max = readr::col_integer(),
      injured_min = readr::col_integer(),
      injured_max = readr::col_integer(),
      statement = readr::col_character(),
      notes = readr::col_character()
    )
  ),
  actors = list(
    path = "data/actors.csv",
    na = c(""),
    col_types = readr::cols(
      actor_id = readr::col_character(),
      name = readr::col_character(),
      short_name = readr::col_character(),
      actor_type = readr::col_factor(levels = c("coalition", "state", "non_state_armed_group", "unknown")),
      parent_id = readr::col_character(),
      country = readr::col_character(),
      notes = readr::col_character()
    )
  ),
  incident_relations = list(
    path = "data/incident_relations.csv",
    na = c(""),
    col_types = readr::cols(
      relation_id = readr::col_character(),
      incident_id = readr::col_character(),
      related_incident_id = readr::col_character(),
      relation = readr::col_factor(levels = c("contains", "overlaps", "possible_duplicate", "companion_entry")),
      source_id = readr::col_character(),
      note = readr::col_character()
    )
  ),
  places = list(
    path = "data/places.csv",
    na = c(""),
    col_types = readr::cols(
      place_id = readr::col_character(),
      name = readr::col_character(),
      spellings = readr::col_character(),
      name_ar = readr::col_character(),
      kind = readr::col_factor(levels = c("governorate", "district", "locality", "city", "town", "village", "neighbourhood", "street", "landmark")),
      parent_id = readr::col_character(),
      latitude = readr::col_double(),
      longitude = readr::col_double(),
      coordinate_precision = readr::col_factor(levels = c("point", "neighbourhood", "locality")),
      coordinates_source_id = readr::col_character(),
      notes = readr::col_character()
    )
  ),
  victims = list(
    path = "data/victims.csv",
    na = c(""),
    col_types = readr::cols(
      victim_id = readr::col_character(),
      claim_id = readr::col_character(),
      name = readr::col_character(),
      sex = readr::col_factor(levels = c("female", "male")),
      age = readr::col_integer(),
      age_group = readr::col_factor(levels = c("child", "adult")),
      outcome = readr::col_factor(levels = c("killed", "injured")),
      relation = readr::col_character(),
      notes = readr::col_character()
    )
  )
)

# One table as a tibble. Stops with the reason when the file's header is not the schema's
# columns or a cell does not parse as its type (then run make validate, which says where).
civharm_read <- function(table, package = ".") {
  spec <- civharm_tables[[table]]
  if (is.null(spec)) {
    stop(sprintf("civharm has no table '%s'; tables: %s", table,
                 paste(names(civharm_tables), collapse = ", ")), call. = FALSE)
  }
  path <- file.path(package, spec$path)
  header <- names(readr::read_csv(path, n_max = 0, col_types = readr::cols(.default = readr::col_character()),
                                  progress = FALSE))
  expected <- names(spec$col_types$cols)
  if (!identical(header, expected)) {
    at <- which(c(header, "")[seq_along(expected)] != expected)[1]
    if (is.na(at)) at <- length(expected) + 1
    stop(sprintf("%s: the header is not the schema's columns: column %d is '%s', the schema has '%s'; run make validate",
                 path, at, c(header, "(none)")[min(at, length(header) + 1)], c(expected, "(none)")[at]), call. = FALSE)
  }
  # readr's own warning about parse problems is replaced by the error below, which says where.
  out <- suppressWarnings(readr::read_csv(path, col_types = spec$col_types, na = spec$na, trim_ws = FALSE,
                                          lazy = FALSE, progress = FALSE))
  bad <- readr::problems(out)
  if (nrow(bad) > 0) {
    first <- bad[1, ]
    stop(sprintf("%s: %d cell(s) do not read as their type, the first on line %d, column %s (%s, got '%s'); run make validate",
                 path, nrow(bad), first$row, expected[first$col], first$expected, first$actual), call. = FALSE)
  }
  out
}

# Every table, as a named list of tibbles.
civharm_read_all <- function(package = ".") {
  sapply(names(civharm_tables), civharm_read, package = package, simplify = FALSE)
}
