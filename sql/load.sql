-- civharm 1.0.0: typed tables and views from the CSVs.
-- Generated from schemas/ by `make sql-script` (civharm/ddl.py); do not edit by hand.
-- Run it from the package folder, in memory or on a database file, new or built before:
--   duckdb civharm.duckdb -init sql/load.sql      (or, in memory: duckdb -init sql/load.sql)
-- It replaces what an earlier run made, in one transaction: a failed run leaves it as it was.

BEGIN TRANSACTION;
DROP VIEW IF EXISTS "incident_positions";
DROP VIEW IF EXISTS "belligerent_positions";
DROP VIEW IF EXISTS "incident_grades";
DROP VIEW IF EXISTS "claim_originals";
DROP VIEW IF EXISTS "source_originals";
DROP VIEW IF EXISTS "tally_coverage";
DROP VIEW IF EXISTS "source_chains";
DROP VIEW IF EXISTS "relay_discrepancies";
DROP VIEW IF EXISTS "official_vs_monitors";
DROP VIEW IF EXISTS "incident_overview";
DROP VIEW IF EXISTS "deaths_daily";
DROP VIEW IF EXISTS "deaths_by_month";
DROP VIEW IF EXISTS "campaign_coverage";
DROP VIEW IF EXISTS "incident_days";
DROP VIEW IF EXISTS "campaign_totals";
DROP VIEW IF EXISTS "incident_contributions";
DROP VIEW IF EXISTS "coverage";
DROP VIEW IF EXISTS "campaigns";
DROP VIEW IF EXISTS "incident_claim_ranges";
DROP TABLE IF EXISTS "victims";
DROP TABLE IF EXISTS "incident_relations";
DROP TABLE IF EXISTS "claims";
DROP TABLE IF EXISTS "incidents";
DROP TABLE IF EXISTS "places";
DROP TABLE IF EXISTS "tallies";
DROP TABLE IF EXISTS "actors";
DROP TABLE IF EXISTS "sources";
DROP TYPE IF EXISTS "actor_type";
DROP TYPE IF EXISTS "age_group";
DROP TYPE IF EXISTS "area_level";
DROP TYPE IF EXISTS "attribution";
DROP TYPE IF EXISTS "belligerent_assessment";
DROP TYPE IF EXISTS "belligerent_position";
DROP TYPE IF EXISTS "campaign";
DROP TYPE IF EXISTS "category";
DROP TYPE IF EXISTS "cause";
DROP TYPE IF EXISTS "claim_type";
DROP TYPE IF EXISTS "coordinate_precision";
DROP TYPE IF EXISTS "date_precision";
DROP TYPE IF EXISTS "grade";
DROP TYPE IF EXISTS "kind";
DROP TYPE IF EXISTS "location_precision";
DROP TYPE IF EXISTS "means";
DROP TYPE IF EXISTS "outcome";
DROP TYPE IF EXISTS "relation";
DROP TYPE IF EXISTS "sex";
DROP TYPE IF EXISTS "source_grade";
DROP TYPE IF EXISTS "source_type";
DROP TYPE IF EXISTS "stated_on_precision";
DROP TYPE IF EXISTS "status";

CREATE TYPE "actor_type" AS ENUM ('coalition', 'state', 'non_state_armed_group', 'unknown');
CREATE TYPE "age_group" AS ENUM ('child', 'adult');
CREATE TYPE "area_level" AS ENUM ('locality', 'admin2', 'admin1', 'country');
CREATE TYPE "attribution" AS ENUM ('declared', 'likely', 'contested', 'unknown');
CREATE TYPE "belligerent_assessment" AS ENUM ('credible', 'non_credible', 'duplicate', 'not_yet_assessed', 'other');
CREATE TYPE "belligerent_position" AS ENUM ('conceded', 'denied');
CREATE TYPE "campaign" AS ENUM ('raqqa-2017', 'mosul-2016-2017');
CREATE TYPE "category" AS ENUM ('belligerent', 'monitor', 'media', 'dataset', 'other');
CREATE TYPE "cause" AS ENUM ('airstrike', 'drone_strike', 'shelling', 'rocket', 'mortar', 'heavy_weapons', 'small_arms', 'sniper', 'execution', 'suicide_bomber', 'vehicle_bomb', 'ied', 'landmine_or_booby_trap', 'unexploded_ordnance', 'other', 'unknown');
CREATE TYPE "claim_type" AS ENUM ('report', 'admission', 'denial');
CREATE TYPE "coordinate_precision" AS ENUM ('point', 'neighbourhood', 'locality');
CREATE TYPE "date_precision" AS ENUM ('day', 'range', 'month');
CREATE TYPE "grade" AS ENUM ('fair', 'single_source', 'weak', 'belligerent_only');
CREATE TYPE "kind" AS ENUM ('governorate', 'district', 'locality', 'city', 'town', 'village', 'neighbourhood', 'street', 'landmark');
CREATE TYPE "location_precision" AS ENUM ('point', 'neighbourhood', 'locality', 'admin2', 'admin1', 'country');
CREATE TYPE "means" AS ENUM ('airstrike', 'artillery', 'air_or_artillery', 'ground_fire', 'explosive_device', 'execution', 'other', 'unknown');
CREATE TYPE "outcome" AS ENUM ('killed', 'injured');
CREATE TYPE "relation" AS ENUM ('contains', 'overlaps', 'possible_duplicate', 'companion_entry');
CREATE TYPE "sex" AS ENUM ('female', 'male');
CREATE TYPE "source_grade" AS ENUM ('confirmed', 'fair', 'weak', 'contested', 'discounted');
CREATE TYPE "source_type" AS ENUM ('news_article', 'ngo_statement', 'ngo_report', 'incident_record', 'military_statement', 'government_statement', 'dataset', 'social_media');
CREATE TYPE "stated_on_precision" AS ENUM ('day', 'month');
CREATE TYPE "status" AS ENUM ('active', 'merged', 'retracted');

CREATE TABLE "sources" (
    "source_id" VARCHAR NOT NULL,
    "source_type" "source_type" NOT NULL,
    "category" "category" NOT NULL,
    "publisher" VARCHAR NOT NULL,
    "author" VARCHAR,
    "title" VARCHAR NOT NULL,
    "url" VARCHAR NOT NULL,
    "archive_url" VARCHAR,
    "published_on" DATE,
    "language" VARCHAR NOT NULL,
    "republished_from" VARCHAR,
    "licence" VARCHAR,
    "notes" VARCHAR,
    "updated_on" DATE,
    PRIMARY KEY ("source_id"),
    FOREIGN KEY ("republished_from") REFERENCES "sources" ("source_id")
);
COMMENT ON TABLE "sources" IS 'One document that reports civilian harm: a news article, an NGO statement, a military press release, a dataset.';
COMMENT ON COLUMN "sources"."source_id" IS 'Stable, opaque identifier of the source document: ''S-'' and at least six digits.';
COMMENT ON COLUMN "sources"."source_type" IS 'What kind of document the source is. Values: news_article = An article by a news outlet or news agency.; ngo_statement = A press release or statement by a monitoring group or NGO.; ngo_report = A research report by a monitoring group or NGO.; incident_record = A monitor''s database entry for one incident (for example an Airwars incident page).; military_statement = A press release, strike report or casualty assessment by an armed force.; government_statement = A statement by a government or its state media.; dataset = A research dataset release (for example UCDP GED).; social_media = A post on a social media account..';
COMMENT ON COLUMN "sources"."category" IS 'Whose voice the source is, for comparing official figures with others. Values: belligerent = A party to the fighting, or its state media, speaking for itself.; monitor = An organisation that documents civilian harm (for example SOHR, Airwars, Amnesty International).; media = A news outlet reporting what others say or what it saw.; dataset = A research dataset that codes events from other sources.; other = Anyone else..';
COMMENT ON COLUMN "sources"."publisher" IS 'Organisation that published the document.';
COMMENT ON COLUMN "sources"."author" IS 'Author or authors as credited; several separated by ''; ''. Blank when uncredited.';
COMMENT ON COLUMN "sources"."title" IS 'Title or headline of the document as published.';
COMMENT ON COLUMN "sources"."url" IS 'Where the document can be read: an http(s) URL.';
COMMENT ON COLUMN "sources"."archive_url" IS 'An archived copy of url (for example on the Wayback Machine). Blank when none is recorded.';
COMMENT ON COLUMN "sources"."published_on" IS 'Date the document was published. Blank when the document does not show it.';
COMMENT ON COLUMN "sources"."language" IS 'Language of the document as an ISO 639-1 code.';
COMMENT ON COLUMN "sources"."republished_from" IS 'The source this document copies in full (a republication), if any.';
COMMENT ON COLUMN "sources"."licence" IS 'The licence the document or dataset is published under, as an SPDX identifier, where it states one. Blank when unknown.';
COMMENT ON COLUMN "sources"."notes" IS 'Caveats about the source: how it was found, where the only copy is, typos in figures.';
COMMENT ON COLUMN "sources"."updated_on" IS 'The release date of the last release that changed this source: set by make bump from what make diff finds changed, never by hand. Never later than the package''s release date; blank until the first release that sets it.';

CREATE TABLE "actors" (
    "actor_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL UNIQUE,
    "short_name" VARCHAR NOT NULL,
    "actor_type" "actor_type" NOT NULL,
    "parent_id" VARCHAR,
    "country" VARCHAR,
    "notes" VARCHAR,
    PRIMARY KEY ("actor_id"),
    FOREIGN KEY ("parent_id") REFERENCES "actors" ("actor_id")
);
COMMENT ON TABLE "actors" IS 'A belligerent or party to whom harm is attributed.';
COMMENT ON COLUMN "actors"."actor_id" IS 'Stable, opaque identifier of the actor: ''A-'' and at least six digits.';
COMMENT ON COLUMN "actors"."name" IS 'Full name of the actor in English.';
COMMENT ON COLUMN "actors"."short_name" IS 'Short name used in tables and charts.';
COMMENT ON COLUMN "actors"."actor_type" IS 'What kind of actor it is. Values: coalition = An alliance of states acting under a joint command.; state = A state''s armed forces acting for that state.; non_state_armed_group = An armed group that is not a state''s forces.; unknown = An actor the sources leave unidentified..';
COMMENT ON COLUMN "actors"."parent_id" IS 'The actor this one acts within, such as the coalition a state belongs to. Blank for top-level actors.';
COMMENT ON COLUMN "actors"."country" IS 'The actor''s state as an ISO 3166-1 alpha-3 code; blank for coalitions and non-state groups.';
COMMENT ON COLUMN "actors"."notes" IS 'Caveats on the actor: other names it goes by in the sources.';

CREATE TABLE "tallies" (
    "tally_id" VARCHAR NOT NULL,
    "source_id" VARCHAR NOT NULL,
    "cited_source_id" VARCHAR,
    "period_start" DATE NOT NULL,
    "period_end" DATE NOT NULL,
    "period_text" VARCHAR NOT NULL,
    "campaign" "campaign" NOT NULL,
    "country" VARCHAR NOT NULL,
    "area" VARCHAR NOT NULL,
    "area_level" "area_level",
    "area_name" VARCHAR,
    "actor_id" VARCHAR,
    "external_id" VARCHAR,
    "external_url" VARCHAR,
    "civilians_killed_min" BIGINT,
    "civilians_killed_max" BIGINT,
    "children_killed_min" BIGINT,
    "children_killed_max" BIGINT,
    "women_killed_min" BIGINT,
    "women_killed_max" BIGINT,
    "men_killed_min" BIGINT,
    "men_killed_max" BIGINT,
    "injured_min" BIGINT,
    "injured_max" BIGINT,
    "statement" VARCHAR NOT NULL,
    "notes" VARCHAR,
    PRIMARY KEY ("tally_id"),
    FOREIGN KEY ("source_id") REFERENCES "sources" ("source_id"),
    FOREIGN KEY ("cited_source_id") REFERENCES "sources" ("source_id"),
    FOREIGN KEY ("actor_id") REFERENCES "actors" ("actor_id")
);
COMMENT ON TABLE "tallies" IS 'A source''s aggregate figure over a period and area that is not one incident; never summed with incidents.';
COMMENT ON COLUMN "tallies"."tally_id" IS 'Stable, opaque identifier of the tally: ''T-'' and at least six digits.';
COMMENT ON COLUMN "tallies"."source_id" IS 'The document that states the aggregate figure.';
COMMENT ON COLUMN "tallies"."cited_source_id" IS 'The source the document says the figure comes from, if it names one.';
COMMENT ON COLUMN "tallies"."period_start" IS 'First day of the period the figure covers, as far as the source lets it be fixed.';
COMMENT ON COLUMN "tallies"."period_end" IS 'Last day of the period the figure covers.';
COMMENT ON COLUMN "tallies"."period_text" IS 'The period as the source states it, in its words.';
COMMENT ON COLUMN "tallies"."campaign" IS 'The campaign the tally belongs to. Values: raqqa-2017 = The campaign for Raqqa, Syria: the battle for the city ran 6 June - 17 October 2017; incidents elsewhere in Ar-Raqqa governorate in June - October 2017 belong here too.; mosul-2016-2017 = The battle for Mosul, Iraq, 17 October 2016 - 20 July 2017..';
COMMENT ON COLUMN "tallies"."country" IS 'Country of the area, as an ISO 3166-1 alpha-3 code.';
COMMENT ON COLUMN "tallies"."area" IS 'The area the figure covers, as the source names it.';
COMMENT ON COLUMN "tallies"."area_level" IS 'Which of the incidents'' place fields area_name is compared with, so the tally is set only beside incidents in the same area (the tally_coverage view). Blank when the area cannot be put in the incidents'' terms: the tally is then not compared. Values: locality = The area is a town or city: incidents whose locality is area_name.; admin2 = The area is a district: incidents whose admin2 is area_name.; admin1 = The area is a governorate or province: incidents whose admin1 is area_name.; country = The area is a whole country: incidents whose country is area_name..';
COMMENT ON COLUMN "tallies"."area_name" IS 'The area in the incidents'' own spelling, as it appears in their locality, admin2, admin1 or country field (the one area_level names). Set exactly when area_level is.';
COMMENT ON COLUMN "tallies"."actor_id" IS 'The actor the source blames for the deaths it counts. Blank when it blames no one.';
COMMENT ON COLUMN "tallies"."external_id" IS 'The source''s own identifier for the aggregate entry, such as an Airwars code for a ''general'' entry (CS1397).';
COMMENT ON COLUMN "tallies"."external_url" IS 'The canonical web address of the source''s record for the entry.';
COMMENT ON COLUMN "tallies"."civilians_killed_min" IS 'Lowest number of civilians killed in the tally, as the source states them. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "tallies"."civilians_killed_max" IS 'Highest number of civilians killed in the tally, as the source states them. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "tallies"."children_killed_min" IS 'Lowest number of children (under 18) killed in the tally, as the source states them. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "tallies"."children_killed_max" IS 'Highest number of children (under 18) killed in the tally, as the source states them. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "tallies"."women_killed_min" IS 'Lowest number of women (18 and over; girls are counted as children) killed in the tally, as the source states them. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "tallies"."women_killed_max" IS 'Highest number of women (18 and over; girls are counted as children) killed in the tally, as the source states them. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "tallies"."men_killed_min" IS 'Lowest number of men (18 and over; boys are counted as children) killed in the tally, as the source states them. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "tallies"."men_killed_max" IS 'Highest number of men (18 and over; boys are counted as children) killed in the tally, as the source states them. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "tallies"."injured_min" IS 'Lowest number of civilians injured in the tally, as the source states them. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "tallies"."injured_max" IS 'Highest number of civilians injured in the tally, as the source states them. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "tallies"."statement" IS 'What the source says, in the project''s own words.';
COMMENT ON COLUMN "tallies"."notes" IS 'Caveats: how the period was fixed from relative words like ''past week''.';

CREATE TABLE "places" (
    "place_id" VARCHAR NOT NULL,
    "name" VARCHAR NOT NULL,
    "spellings" VARCHAR,
    "name_ar" VARCHAR,
    "kind" "kind" NOT NULL,
    "parent_id" VARCHAR,
    "latitude" DOUBLE,
    "longitude" DOUBLE,
    "coordinate_precision" "coordinate_precision",
    "coordinates_source_id" VARCHAR,
    "notes" VARCHAR,
    PRIMARY KEY ("place_id"),
    FOREIGN KEY ("parent_id") REFERENCES "places" ("place_id"),
    FOREIGN KEY ("coordinates_source_id") REFERENCES "sources" ("source_id")
);
COMMENT ON TABLE "places" IS 'The gazetteer: one named place (a city, neighbourhood, street or landmark) with the spellings sources use, its parent place and coordinates with their source.';
COMMENT ON COLUMN "places"."place_id" IS 'Stable, opaque identifier of the place: ''PL-'' and at least six digits.';
COMMENT ON COLUMN "places"."name" IS 'The place''s preferred English name: the spelling the project uses on its pages and map.';
COMMENT ON COLUMN "places"."spellings" IS 'Every other spelling the sources and the data use for the place, separated by ''; '' (the preferred name is not repeated). A spelling belongs to one place only (place-spelling-ambiguous). Blank when the sources use only the preferred name.';
COMMENT ON COLUMN "places"."name_ar" IS 'The place''s name in Arabic script, as a source or a gazetteer writes it. Blank when not recorded.';
COMMENT ON COLUMN "places"."kind" IS 'What kind of place it is. Values: governorate = A first-level administrative area (Ar-Raqqa, Nineveh).; district = A second-level administrative area.; locality = A city, town or village, not yet told apart.; city = A city.; town = A town.; village = A village or hamlet.; neighbourhood = A neighbourhood or quarter of a city.; street = A street, road or roundabout.; landmark = A building, bridge, mosque, school, park or other named site..';
COMMENT ON COLUMN "places"."parent_id" IS 'The place this one lies within (a neighbourhood''s city). Blank for the largest places.';
COMMENT ON COLUMN "places"."latitude" IS 'Latitude in decimal degrees (WGS 84) of the place, at coordinate_precision. Blank when unknown; set together with longitude.';
COMMENT ON COLUMN "places"."longitude" IS 'Longitude in decimal degrees (WGS 84) of the place. Blank when unknown; set together with latitude.';
COMMENT ON COLUMN "places"."coordinate_precision" IS 'What the coordinates point at. Blank when there are none. Values: point = The exact site.; neighbourhood = The centre of the neighbourhood.; locality = The centre of the city, town or village..';
COMMENT ON COLUMN "places"."coordinates_source_id" IS 'The source that gives the coordinates (a UCDP GED event, an Airwars page). Blank when the coordinates come from no recorded source; the notes then say where.';
COMMENT ON COLUMN "places"."notes" IS 'How the place was identified, and doubts about it.';

CREATE TABLE "incidents" (
    "incident_id" VARCHAR NOT NULL,
    "status" "status" NOT NULL,
    "merged_into" VARCHAR,
    "status_reason" VARCHAR,
    "campaign" "campaign" NOT NULL,
    "date_start" DATE NOT NULL,
    "date_end" DATE NOT NULL,
    "date_precision" "date_precision" NOT NULL,
    "local_time" VARCHAR,
    "country" VARCHAR NOT NULL,
    "admin1" VARCHAR,
    "admin2" VARCHAR,
    "locality" VARCHAR,
    "neighbourhood" VARCHAR,
    "place_id" VARCHAR,
    "latitude" DOUBLE,
    "longitude" DOUBLE,
    "location_precision" "location_precision" NOT NULL,
    "means" "means" NOT NULL,
    "cause" "cause",
    "target" VARCHAR,
    "actor_id" VARCHAR,
    "attribution" "attribution" NOT NULL,
    "civilians_killed_min" BIGINT,
    "civilians_killed_max" BIGINT,
    "children_killed_min" BIGINT,
    "children_killed_max" BIGINT,
    "women_killed_min" BIGINT,
    "women_killed_max" BIGINT,
    "men_killed_min" BIGINT,
    "men_killed_max" BIGINT,
    "injured_min" BIGINT,
    "injured_max" BIGINT,
    "grade" "grade" NOT NULL,
    "belligerent_position" "belligerent_position",
    "belligerent_position_date" DATE,
    "summary" VARCHAR,
    "notes" VARCHAR,
    "updated_on" DATE,
    PRIMARY KEY ("incident_id"),
    FOREIGN KEY ("merged_into") REFERENCES "incidents" ("incident_id"),
    FOREIGN KEY ("actor_id") REFERENCES "actors" ("actor_id"),
    FOREIGN KEY ("place_id") REFERENCES "places" ("place_id")
);
COMMENT ON TABLE "incidents" IS 'One event of civilian harm at one place and time, as the project assesses it. Merged and retracted incidents stay as tombstones.';
COMMENT ON COLUMN "incidents"."incident_id" IS 'Stable, opaque identifier of the incident: ''CH-'' and at least six digits. Never reused and never changes meaning; cite it as ''civharm vX.Y.Z, incident CH-000001''.';
COMMENT ON COLUMN "incidents"."status" IS 'Whether the row is a live incident or a tombstone kept so that a published ID always resolves. Values: active = A current incident: counted in views and figures.; merged = A tombstone: the incident turned out to be the same event as the one in merged_into, which now holds its claims.; retracted = A tombstone: the project no longer considers this an incident of civilian harm; status_reason says why..';
COMMENT ON COLUMN "incidents"."merged_into" IS 'For a merged incident, the active incident that absorbed it. Blank for active and retracted incidents.';
COMMENT ON COLUMN "incidents"."status_reason" IS 'Why a merged or retracted incident was tombstoned, in one sentence. Required unless status is active.';
COMMENT ON COLUMN "incidents"."campaign" IS 'The military campaign the incident belongs to. Each value''s category also gives the campaign''s first and last day (start, end), which the campaigns and campaign_coverage views read. Values: raqqa-2017 = The campaign for Raqqa, Syria: the battle for the city ran 6 June - 17 October 2017; incidents elsewhere in Ar-Raqqa governorate in June - October 2017 belong here too.; mosul-2016-2017 = The battle for Mosul, Iraq, 17 October 2016 - 20 July 2017..';
COMMENT ON COLUMN "incidents"."date_start" IS 'First day on which the incident may have happened (ISO 8601, YYYY-MM-DD).';
COMMENT ON COLUMN "incidents"."date_end" IS 'Last day on which the incident may have happened; equal to date_start when the day is known.';
COMMENT ON COLUMN "incidents"."date_precision" IS 'How precisely the sources fix the date. Values: day = The incident happened on date_start, which equals date_end.; range = The incident happened on one or more days between date_start and date_end; the sources do not narrow it further.; month = Only the month is known; date_start and date_end span it..';
COMMENT ON COLUMN "incidents"."local_time" IS 'The local time of day the claims give for the harm, as they state it: a clock time ''HH:MM'' (24-hour, local time), or a part of day: ''dawn'' (first light), ''morning'' (to about noon), ''midday'' (around noon), ''afternoon'', ''evening'' (dusk to about 22:00), ''night'' (after that, until dawn). Blank when not stated.';
COMMENT ON COLUMN "incidents"."country" IS 'Country where the incident happened, as an ISO 3166-1 alpha-3 code.';
COMMENT ON COLUMN "incidents"."admin1" IS 'First-level administrative unit (governorate), in the UN OCHA English spelling.';
COMMENT ON COLUMN "incidents"."admin2" IS 'Second-level administrative unit (district).';
COMMENT ON COLUMN "incidents"."locality" IS 'City, town or village.';
COMMENT ON COLUMN "incidents"."neighbourhood" IS 'Neighbourhood, street or landmark as the sources name it; several names separated by ''; ''.';
COMMENT ON COLUMN "incidents"."place_id" IS 'The gazetteer''s entry (places) for the incident''s location: the most precise place it names that the gazetteer holds. Set by python -m civharm.gazetteer; blank when it names none.';
COMMENT ON COLUMN "incidents"."latitude" IS 'Latitude in decimal degrees (WGS 84) of the place given by location_precision. Blank when unknown; set together with longitude.';
COMMENT ON COLUMN "incidents"."longitude" IS 'Longitude in decimal degrees (WGS 84). Blank when unknown; set together with latitude.';
COMMENT ON COLUMN "incidents"."location_precision" IS 'What the coordinates point at. Values: point = The building or exact site.; neighbourhood = The centre of the named neighbourhood.; locality = The centre of the city, town or village.; admin2 = The centre of the district.; admin1 = The centre of the governorate.; country = Only the country is known..';
COMMENT ON COLUMN "incidents"."means" IS 'How the harm was caused, as the project assesses it from the claims. Values: airstrike = A strike from aircraft or drones.; artillery = Shelling, rockets or mortars fired from the ground.; air_or_artillery = Sources say either an airstrike or artillery, without settling which.; ground_fire = Small arms or other direct fire by ground forces.; explosive_device = A mine, booby trap, car bomb or other improvised explosive device.; execution = Deliberate killing of people in custody or under control of an armed group.; other = A means not listed here; the summary or statement says which.; unknown = The sources do not say how the harm was caused..';
COMMENT ON COLUMN "incidents"."cause" IS 'The weapon or cause of death and injury as the claims state it, in a vocabulary aligned with Airwars'' ''cause of injury / death'' and Iraq Body Count''s weapons; finer than means, the coarse class, which stays. Blank when not recorded. Values: airstrike = An air strike (bombs or missiles from aircraft) with no further detail; Airwars'' ''airstrike'', Iraq Body Count''s ''air strike''.; drone_strike = A strike by an unmanned aircraft, including a drone dropping a small munition.; shelling = Artillery or tank shells; Iraq Body Count''s ''shelling''.; rocket = Rockets, including multiple-launch rocket systems; Iraq Body Count''s ''rocket''.; mortar = Mortar rounds; Iraq Body Count''s ''mortar''.; heavy_weapons = Heavy weapons and explosive munitions that the source does not tell apart (air, artillery, rockets or mortars); the Airwars category of that name.; small_arms = Gunfire from small arms, crossfire included; Iraq Body Count''s ''gunfire''.; sniper = A sniper''s aimed fire.; execution = Killed while captive or under an armed group''s control; Iraq Body Count''s ''executed''.; suicide_bomber = A person detonating explosives they carry; Iraq Body Count''s ''suicide bomber''.; vehicle_bomb = A bomb in or on a vehicle, driven or parked (VBIED); Iraq Body Count''s ''car bomb'' and ''suicide car bomb''.; ied = An improvised explosive device placed or thrown, not carried by a person or vehicle; Iraq Body Count''s ''IED'' and ''roadside bomb''.; landmine_or_booby_trap = A mine or booby trap set off by its victim.; unexploded_ordnance = Ordnance left unexploded by earlier fighting.; other = A cause not listed here; the statement or summary says which.; unknown = The claims give no cause..';
COMMENT ON COLUMN "incidents"."target" IS 'What the claims say was struck or aimed at, in the project''s own words and short (a residential building, a bakery queue, a boat crossing the Euphrates). Blank when not stated.';
COMMENT ON COLUMN "incidents"."actor_id" IS 'The actor the project attributes the harm to. Blank when attribution is unknown.';
COMMENT ON COLUMN "incidents"."attribution" IS 'How sure the attribution to actor_id is. Values: declared = The actor itself declared the strike or conceded the harm.; likely = The sources agree on the actor, but the actor has not declared it.; contested = The sources blame different actors; actor_id holds the one most sources name.; unknown = No actor can be named from the sources; actor_id is blank..';
COMMENT ON COLUMN "incidents"."civilians_killed_min" IS 'Lowest number of civilians killed in the project''s assessment, spanning what its claims say (see the methodology). A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "incidents"."civilians_killed_max" IS 'Highest number of civilians killed in the project''s assessment, spanning what its claims say (see the methodology). ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "incidents"."children_killed_min" IS 'Lowest number of children (under 18) killed in the project''s assessment, spanning what its claims say (see the methodology). A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "incidents"."children_killed_max" IS 'Highest number of children (under 18) killed in the project''s assessment, spanning what its claims say (see the methodology). ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "incidents"."women_killed_min" IS 'Lowest number of women (18 and over; girls are counted as children) killed in the project''s assessment, spanning what its claims say (see the methodology). A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "incidents"."women_killed_max" IS 'Highest number of women (18 and over; girls are counted as children) killed in the project''s assessment, spanning what its claims say (see the methodology). ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "incidents"."men_killed_min" IS 'Lowest number of men (18 and over; boys are counted as children) killed in the project''s assessment, spanning what its claims say (see the methodology). A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "incidents"."men_killed_max" IS 'Highest number of men (18 and over; boys are counted as children) killed in the project''s assessment, spanning what its claims say (see the methodology). ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "incidents"."injured_min" IS 'Lowest number of civilians injured in the project''s assessment, spanning what its claims say (see the methodology). A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "incidents"."injured_max" IS 'Highest number of civilians injured in the project''s assessment, spanning what its claims say (see the methodology). ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "incidents"."grade" IS 'How well the incident is documented, derived from its current (not superseded) claims by the methodology''s grade rule: how many independent sources report it and whether any gives a figure. It says nothing about what a belligerent said; see belligerent_position. Values: fair = Reports that rest on two or more independent original sources (not chained by cited_source_id or republished_from, different publishers; a compiled dataset such as UCDP GED and belligerents'' own statements not counted), at least one of them with a figure.; single_source = Reports that rest on one original source only, at least one of them with a figure: as yet uncorroborated by an independent source. That source may itself summarise several outlets (an Airwars page counts as one), and an imported dataset''s event alone (UCDP GED) is single_source too.; weak = Reported, but no report gives any figure of civilians killed or injured (''several'', ''dozens'').; belligerent_only = Known only from a belligerent''s own admission or denial: no report by anyone else is recorded..';
COMMENT ON COLUMN "incidents"."belligerent_position" IS 'What the belligerent the incident is attributed to (actor_id, or the coalition it belongs to) said about civilian harm in it, from its latest current admission or denial claim. Blank when it has not spoken, or when no actor is attributed. Values: conceded = The belligerent conceded that it caused civilian harm (deaths or injuries) in the incident; the admission claim holds the figures it conceded.; denied = The belligerent denied causing civilian harm, or assessed the allegation as not credible or unsupported by evidence..';
COMMENT ON COLUMN "incidents"."belligerent_position_date" IS 'When the belligerent made its latest current statement: the claim''s stated_on, else the published_on of the source that reports it. Blank when belligerent_position is blank or neither date is known; the claim''s statement then says when, in words.';
COMMENT ON COLUMN "incidents"."summary" IS 'What happened, in the project''s own words, in one or two sentences. Required for active incidents.';
COMMENT ON COLUMN "incidents"."notes" IS 'Caveats for researchers: uncertain dates, possible duplicates, disagreements between sources.';
COMMENT ON COLUMN "incidents"."updated_on" IS 'The release date of the last release that changed this incident: set by make bump from what make diff finds changed, never by hand. Never later than the package''s release date; blank until the first release that sets it.';

CREATE TABLE "claims" (
    "claim_id" VARCHAR NOT NULL,
    "incident_id" VARCHAR NOT NULL,
    "source_id" VARCHAR NOT NULL,
    "cited_source_id" VARCHAR,
    "claim_type" "claim_type" NOT NULL,
    "belligerent_assessment" "belligerent_assessment",
    "date_start" DATE,
    "date_end" DATE,
    "local_time" VARCHAR,
    "stated_on" DATE,
    "stated_on_precision" "stated_on_precision",
    "place" VARCHAR,
    "place_id" VARCHAR,
    "target" VARCHAR,
    "means" "means",
    "cause" "cause",
    "actor_id" VARCHAR,
    "civilians_killed_min" BIGINT,
    "civilians_killed_max" BIGINT,
    "children_killed_min" BIGINT,
    "children_killed_max" BIGINT,
    "women_killed_min" BIGINT,
    "women_killed_max" BIGINT,
    "men_killed_min" BIGINT,
    "men_killed_max" BIGINT,
    "injured_min" BIGINT,
    "injured_max" BIGINT,
    "external_id" VARCHAR,
    "external_url" VARCHAR,
    "source_grade" "source_grade",
    "source_coding" VARCHAR,
    "statement" VARCHAR NOT NULL,
    "notes" VARCHAR,
    "superseded_by" VARCHAR,
    "updated_on" DATE,
    PRIMARY KEY ("claim_id"),
    FOREIGN KEY ("incident_id") REFERENCES "incidents" ("incident_id"),
    FOREIGN KEY ("source_id") REFERENCES "sources" ("source_id"),
    FOREIGN KEY ("cited_source_id") REFERENCES "sources" ("source_id"),
    FOREIGN KEY ("actor_id") REFERENCES "actors" ("actor_id"),
    FOREIGN KEY ("superseded_by") REFERENCES "claims" ("claim_id"),
    FOREIGN KEY ("place_id") REFERENCES "places" ("place_id")
);
COMMENT ON TABLE "claims" IS 'What one source says about one incident, with the figures as that source states them.';
COMMENT ON COLUMN "claims"."claim_id" IS 'Stable, opaque identifier of the claim: ''CL-'' and at least six digits.';
COMMENT ON COLUMN "claims"."incident_id" IS 'The incident this claim is about.';
COMMENT ON COLUMN "claims"."source_id" IS 'The document that makes the claim.';
COMMENT ON COLUMN "claims"."cited_source_id" IS 'The source the document says it got its figures from, if it names one. Compare the two claims to find relayed figures that changed on the way.';
COMMENT ON COLUMN "claims"."claim_type" IS 'What kind of statement the claim is. Values: report = The source reports civilian harm in the incident.; admission = A belligerent concedes it caused civilian harm in the incident; the figures are what it conceded.; denial = A belligerent denies causing civilian harm or assesses the allegation as not credible..';
COMMENT ON COLUMN "claims"."belligerent_assessment" IS 'On an admission or denial, the belligerent''s own label for its assessment of the allegation, as its statement gives it (required there by a rule); blank on reports. Values: credible = ''Credible'' or ''substantiated'': the belligerent assessed that its action more likely than not caused the civilian harm.; non_credible = ''Non-credible'' or ''unsubstantiated'': the belligerent assessed that the information does not show its action caused the harm, or that too little is known to assess it.; duplicate = The belligerent closed the allegation as a duplicate of another it assessed.; not_yet_assessed = The belligerent says the allegation is still being assessed.; other = Another label; the statement quotes it..';
COMMENT ON COLUMN "claims"."date_start" IS 'First day the source gives for the incident. Blank when the source gives no date.';
COMMENT ON COLUMN "claims"."date_end" IS 'Last day the source gives for the incident; equal to date_start for a single day.';
COMMENT ON COLUMN "claims"."local_time" IS 'The local time of day the source gives for the harm, as it states it: a clock time ''HH:MM'' (24-hour, local time), or a part of day: ''dawn'' (first light), ''morning'' (to about noon), ''midday'' (around noon), ''afternoon'', ''evening'' (dusk to about 22:00), ''night'' (after that, until dawn). Blank when not stated.';
COMMENT ON COLUMN "claims"."stated_on" IS 'The date the source says the claimant made this statement: for an admission or denial, the day the belligerent published its assessment (required there by a rule). When the source gives only the month (as in ''its April 2017 report''), the first of that month with stated_on_precision ''month''.';
COMMENT ON COLUMN "claims"."stated_on_precision" IS 'How much of stated_on the source gives. Blank (or ''day'') when it gives the day; ''month'' when it gives only the month of the statement (the Coalition''s monthly report of April 2017), and stated_on is then the first of that month. Values: day = The source gives the day of the statement (the same as blank).; month = The source gives only the month; stated_on is the first day of it..';
COMMENT ON COLUMN "claims"."place" IS 'The place as the source names it, in its own spelling.';
COMMENT ON COLUMN "claims"."place_id" IS 'The gazetteer''s entry (places) for the place this claim names: the most precise place it names that the gazetteer holds. Set by python -m civharm.gazetteer; blank when it names none.';
COMMENT ON COLUMN "claims"."target" IS 'What the source says was struck or aimed at, in the project''s own words and short (a residential building, a bakery queue, a boat crossing the Euphrates). Blank when not stated.';
COMMENT ON COLUMN "claims"."means" IS 'How the source says the harm was caused. Blank when the source does not say. Values: airstrike = A strike from aircraft or drones.; artillery = Shelling, rockets or mortars fired from the ground.; air_or_artillery = Sources say either an airstrike or artillery, without settling which.; ground_fire = Small arms or other direct fire by ground forces.; explosive_device = A mine, booby trap, car bomb or other improvised explosive device.; execution = Deliberate killing of people in custody or under control of an armed group.; other = A means not listed here; the summary or statement says which.; unknown = The sources do not say how the harm was caused..';
COMMENT ON COLUMN "claims"."cause" IS 'The weapon or cause of death and injury as the source states it, in a vocabulary aligned with Airwars'' ''cause of injury / death'' and Iraq Body Count''s weapons; finer than means, the coarse class, which stays. Blank when not recorded. Values: airstrike = An air strike (bombs or missiles from aircraft) with no further detail; Airwars'' ''airstrike'', Iraq Body Count''s ''air strike''.; drone_strike = A strike by an unmanned aircraft, including a drone dropping a small munition.; shelling = Artillery or tank shells; Iraq Body Count''s ''shelling''.; rocket = Rockets, including multiple-launch rocket systems; Iraq Body Count''s ''rocket''.; mortar = Mortar rounds; Iraq Body Count''s ''mortar''.; heavy_weapons = Heavy weapons and explosive munitions that the source does not tell apart (air, artillery, rockets or mortars); the Airwars category of that name.; small_arms = Gunfire from small arms, crossfire included; Iraq Body Count''s ''gunfire''.; sniper = A sniper''s aimed fire.; execution = Killed while captive or under an armed group''s control; Iraq Body Count''s ''executed''.; suicide_bomber = A person detonating explosives they carry; Iraq Body Count''s ''suicide bomber''.; vehicle_bomb = A bomb in or on a vehicle, driven or parked (VBIED); Iraq Body Count''s ''car bomb'' and ''suicide car bomb''.; ied = An improvised explosive device placed or thrown, not carried by a person or vehicle; Iraq Body Count''s ''IED'' and ''roadside bomb''.; landmine_or_booby_trap = A mine or booby trap set off by its victim.; unexploded_ordnance = Ordnance left unexploded by earlier fighting.; other = A cause not listed here; the statement or summary says which.; unknown = The source gives no cause..';
COMMENT ON COLUMN "claims"."actor_id" IS 'The actor the source blames. Blank when the source blames no one.';
COMMENT ON COLUMN "claims"."civilians_killed_min" IS 'Lowest number of civilians killed according to this source. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "claims"."civilians_killed_max" IS 'Highest number of civilians killed according to this source. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "claims"."children_killed_min" IS 'Lowest number of children (under 18) killed according to this source. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "claims"."children_killed_max" IS 'Highest number of children (under 18) killed according to this source. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "claims"."women_killed_min" IS 'Lowest number of women (18 and over; girls are counted as children) killed according to this source. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "claims"."women_killed_max" IS 'Highest number of women (18 and over; girls are counted as children) killed according to this source. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "claims"."men_killed_min" IS 'Lowest number of men (18 and over; boys are counted as children) killed according to this source. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "claims"."men_killed_max" IS 'Highest number of men (18 and over; boys are counted as children) killed according to this source. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "claims"."injured_min" IS 'Lowest number of civilians injured according to this source. A figure stated as exact (''42 killed'') is both min and max; ''at least 32'' sets only the min. Blank when not stated.';
COMMENT ON COLUMN "claims"."injured_max" IS 'Highest number of civilians injured according to this source. ''Up to 30'' sets only the max. Blank when not stated or open-ended.';
COMMENT ON COLUMN "claims"."external_id" IS 'The source''s own identifier for the event, such as an Airwars code (CS1397) or a UCDP GED event id (247150).';
COMMENT ON COLUMN "claims"."external_url" IS 'The canonical web address of the source''s record for the event, such as its Airwars incident page. Blank when the record has none.';
COMMENT ON COLUMN "claims"."source_grade" IS 'The monitor''s own grade of the incident, as its record shows it (Airwars'' grades); kept apart from the incident''s grade, which civharm derives. Blank when the source grades nothing. Values: confirmed = Airwars ''Confirmed'': a belligerent has accepted responsibility for the civilian harm.; fair = Airwars ''Fair'': two or more credible sources report the harm, and the belligerent is known to have acted near the place at the time.; weak = Airwars ''Weak'': one source reports the harm, even with much detail.; contested = Airwars ''Contested'': more than one party is blamed for the harm.; discounted = Airwars ''Discounted'': first reported as civilian harm, since found not to be (the dead were combatants, or the event happened elsewhere or not at all)..';
COMMENT ON COLUMN "claims"."source_coding" IS 'The source''s own classification of the event, kept as it codes it: ''key=value'' pairs separated by ''; '' (for example UCDP''s type_of_violence, dyad_name and precision codes, or Airwars'' grade). Blank when the source codes nothing.';
COMMENT ON COLUMN "claims"."statement" IS 'What the source says about the incident, in the project''s own words.';
COMMENT ON COLUMN "claims"."notes" IS 'Caveats: how a figure was read from the text, or where the claim disagrees with its cited source.';
COMMENT ON COLUMN "claims"."superseded_by" IS 'The later claim of the same source, or of another source of the same publisher, about the same incident that revises this one (a raised toll, a revised admission). Blank when the claim is current. A superseded claim stays visible but no longer sets the incident''s range, grade or belligerent position.';
COMMENT ON COLUMN "claims"."updated_on" IS 'The release date of the last release that changed this claim: set by make bump from what make diff finds changed, never by hand. Never later than the package''s release date; blank until the first release that sets it.';

CREATE TABLE "incident_relations" (
    "relation_id" VARCHAR NOT NULL,
    "incident_id" VARCHAR NOT NULL,
    "related_incident_id" VARCHAR NOT NULL,
    "relation" "relation" NOT NULL,
    "source_id" VARCHAR,
    "note" VARCHAR NOT NULL,
    PRIMARY KEY ("relation_id"),
    FOREIGN KEY ("incident_id") REFERENCES "incidents" ("incident_id"),
    FOREIGN KEY ("related_incident_id") REFERENCES "incidents" ("incident_id"),
    FOREIGN KEY ("source_id") REFERENCES "sources" ("source_id")
);
COMMENT ON TABLE "incident_relations" IS 'How two incidents'' deaths relate when sources count them in more than one incident: one contains the other (a day-aggregate and a strike it includes), they overlap, they may be duplicates, or they are companion entries for the same event. Totals use these rows to count shared deaths once.';
COMMENT ON COLUMN "incident_relations"."relation_id" IS 'Stable, opaque identifier of the relation: ''R-'' and at least six digits. Never reused.';
COMMENT ON COLUMN "incident_relations"."incident_id" IS 'The first incident of the pair; for ''contains'', the one that holds the other''s deaths (a UCDP day-aggregate, say).';
COMMENT ON COLUMN "incident_relations"."related_incident_id" IS 'The second incident of the pair; for ''contains'', the one whose deaths are all among the first''s (a curated strike, say).';
COMMENT ON COLUMN "incident_relations"."relation" IS 'How the two incidents'' deaths relate, so that totals count shared deaths once. Values: contains = The first incident holds all the deaths of the second: a day-aggregate (a UCDP event coding a day of strikes) and a strike it includes.; overlaps = The two incidents share part of their deaths; how many is unknown.; possible_duplicate = The two incidents may count the same deaths, but it is not established; kept apart until a source settles it.; companion_entry = Two entries for the same event and the same deaths, kept as separate incidents because their sources list them separately (an Airwars incident and its companion entry)..';
COMMENT ON COLUMN "incident_relations"."source_id" IS 'The source whose own record shows the link, when there is one: Airwars naming an entry as the companion of another, or a UCDP GED event that lists among its sources the report an incident rests on. Blank when the link is the project''s reading of dates, places and figures alone.';
COMMENT ON COLUMN "incident_relations"."note" IS 'Why the two are related, in the project''s own words: what in the claims'' dates, places and figures shows it.';

CREATE TABLE "victims" (
    "victim_id" VARCHAR NOT NULL,
    "claim_id" VARCHAR NOT NULL,
    "name" VARCHAR,
    "sex" "sex",
    "age" BIGINT,
    "age_group" "age_group",
    "outcome" "outcome" NOT NULL,
    "relation" VARCHAR,
    "notes" VARCHAR,
    PRIMARY KEY ("victim_id"),
    FOREIGN KEY ("claim_id") REFERENCES "claims" ("claim_id")
);
COMMENT ON TABLE "victims" IS 'One person whom a cited source names or describes individually, with the claim it comes from; only what that source made public.';
COMMENT ON COLUMN "victims"."victim_id" IS 'Stable, opaque identifier of the victim record: ''V-'' and at least six digits.';
COMMENT ON COLUMN "victims"."claim_id" IS 'The claim whose source names or describes this person; only what that cited source made public is recorded.';
COMMENT ON COLUMN "victims"."name" IS 'The person''s name as the source publishes it, in its spelling. Blank when the source gives none; never a name from elsewhere, and never the name of a living injured person.';
COMMENT ON COLUMN "victims"."sex" IS 'The person''s sex as the source gives it. Blank when not given. Values: female = The source describes a woman or girl.; male = The source describes a man or boy..';
COMMENT ON COLUMN "victims"."age" IS 'Age in years as the source gives it. Blank when not given.';
COMMENT ON COLUMN "victims"."age_group" IS 'Child (under 18) or adult, as the age or the source''s words give it (''a boy'', ''his wife''). Blank when neither does. Values: child = Under 18: counted among children.; adult = 18 or over: counted among women or men by sex..';
COMMENT ON COLUMN "victims"."outcome" IS 'What happened to the person, as the source says. Values: killed = The source reports the person dead.; injured = The source reports the person injured (named only if they have since died and a source says so)..';
COMMENT ON COLUMN "victims"."relation" IS 'The person''s relation to others the source names, in its words (''son of V-000001''). Blank when not given.';
COMMENT ON COLUMN "victims"."notes" IS 'How the record was read from the source.';

CREATE TEMP TABLE "_stage_sources" AS SELECT * FROM read_csv('data/sources.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'source_id': 'VARCHAR', 'source_type': 'VARCHAR', 'category': 'VARCHAR', 'publisher': 'VARCHAR', 'author': 'VARCHAR', 'title': 'VARCHAR', 'url': 'VARCHAR', 'archive_url': 'VARCHAR', 'published_on': 'DATE', 'language': 'VARCHAR', 'republished_from': 'VARCHAR', 'licence': 'VARCHAR', 'notes': 'VARCHAR', 'updated_on': 'DATE'});
CREATE TEMP TABLE "_depth_sources" AS WITH RECURSIVE d(k, depth) AS (
    SELECT "source_id", 0 FROM "_stage_sources" WHERE "republished_from" IS NULL
    UNION ALL SELECT s."source_id", d.depth + 1 FROM "_stage_sources" AS s JOIN d ON s."republished_from" = d.k
    WHERE d.depth < 8
) SELECT k, max(depth) AS depth FROM d GROUP BY k;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 0;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 1;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 2;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 3;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 4;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 5;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 6;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 7;
INSERT INTO "sources" SELECT s.* FROM "_stage_sources" AS s JOIN "_depth_sources" AS d ON d.k = s."source_id" WHERE d.depth = 8;
CREATE TEMP TABLE _check AS SELECT CASE WHEN (SELECT count(*) FROM "sources") <> (SELECT count(*) FROM "_stage_sources") THEN error('sources: a chain of republished_from is longer than 8 or has a cycle; run make validate') END;
DROP TABLE _check;
DROP TABLE "_depth_sources";
DROP TABLE "_stage_sources";

CREATE TEMP TABLE "_stage_actors" AS SELECT * FROM read_csv('data/actors.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'actor_id': 'VARCHAR', 'name': 'VARCHAR', 'short_name': 'VARCHAR', 'actor_type': 'VARCHAR', 'parent_id': 'VARCHAR', 'country': 'VARCHAR', 'notes': 'VARCHAR'});
CREATE TEMP TABLE "_depth_actors" AS WITH RECURSIVE d(k, depth) AS (
    SELECT "actor_id", 0 FROM "_stage_actors" WHERE "parent_id" IS NULL
    UNION ALL SELECT s."actor_id", d.depth + 1 FROM "_stage_actors" AS s JOIN d ON s."parent_id" = d.k
    WHERE d.depth < 8
) SELECT k, max(depth) AS depth FROM d GROUP BY k;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 0;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 1;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 2;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 3;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 4;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 5;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 6;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 7;
INSERT INTO "actors" SELECT s.* FROM "_stage_actors" AS s JOIN "_depth_actors" AS d ON d.k = s."actor_id" WHERE d.depth = 8;
CREATE TEMP TABLE _check AS SELECT CASE WHEN (SELECT count(*) FROM "actors") <> (SELECT count(*) FROM "_stage_actors") THEN error('actors: a chain of parent_id is longer than 8 or has a cycle; run make validate') END;
DROP TABLE _check;
DROP TABLE "_depth_actors";
DROP TABLE "_stage_actors";

INSERT INTO "tallies" SELECT * FROM read_csv('data/tallies.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'tally_id': 'VARCHAR', 'source_id': 'VARCHAR', 'cited_source_id': 'VARCHAR', 'period_start': 'DATE', 'period_end': 'DATE', 'period_text': 'VARCHAR', 'campaign': 'VARCHAR', 'country': 'VARCHAR', 'area': 'VARCHAR', 'area_level': 'VARCHAR', 'area_name': 'VARCHAR', 'actor_id': 'VARCHAR', 'external_id': 'VARCHAR', 'external_url': 'VARCHAR', 'civilians_killed_min': 'BIGINT', 'civilians_killed_max': 'BIGINT', 'children_killed_min': 'BIGINT', 'children_killed_max': 'BIGINT', 'women_killed_min': 'BIGINT', 'women_killed_max': 'BIGINT', 'men_killed_min': 'BIGINT', 'men_killed_max': 'BIGINT', 'injured_min': 'BIGINT', 'injured_max': 'BIGINT', 'statement': 'VARCHAR', 'notes': 'VARCHAR'});

CREATE TEMP TABLE "_stage_places" AS SELECT * FROM read_csv('data/places.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'place_id': 'VARCHAR', 'name': 'VARCHAR', 'spellings': 'VARCHAR', 'name_ar': 'VARCHAR', 'kind': 'VARCHAR', 'parent_id': 'VARCHAR', 'latitude': 'DOUBLE', 'longitude': 'DOUBLE', 'coordinate_precision': 'VARCHAR', 'coordinates_source_id': 'VARCHAR', 'notes': 'VARCHAR'});
CREATE TEMP TABLE "_depth_places" AS WITH RECURSIVE d(k, depth) AS (
    SELECT "place_id", 0 FROM "_stage_places" WHERE "parent_id" IS NULL
    UNION ALL SELECT s."place_id", d.depth + 1 FROM "_stage_places" AS s JOIN d ON s."parent_id" = d.k
    WHERE d.depth < 8
) SELECT k, max(depth) AS depth FROM d GROUP BY k;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 0;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 1;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 2;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 3;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 4;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 5;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 6;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 7;
INSERT INTO "places" SELECT s.* FROM "_stage_places" AS s JOIN "_depth_places" AS d ON d.k = s."place_id" WHERE d.depth = 8;
CREATE TEMP TABLE _check AS SELECT CASE WHEN (SELECT count(*) FROM "places") <> (SELECT count(*) FROM "_stage_places") THEN error('places: a chain of parent_id is longer than 8 or has a cycle; run make validate') END;
DROP TABLE _check;
DROP TABLE "_depth_places";
DROP TABLE "_stage_places";

CREATE TEMP TABLE "_stage_incidents" AS SELECT * FROM read_csv('data/incidents.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'incident_id': 'VARCHAR', 'status': 'VARCHAR', 'merged_into': 'VARCHAR', 'status_reason': 'VARCHAR', 'campaign': 'VARCHAR', 'date_start': 'DATE', 'date_end': 'DATE', 'date_precision': 'VARCHAR', 'local_time': 'VARCHAR', 'country': 'VARCHAR', 'admin1': 'VARCHAR', 'admin2': 'VARCHAR', 'locality': 'VARCHAR', 'neighbourhood': 'VARCHAR', 'place_id': 'VARCHAR', 'latitude': 'DOUBLE', 'longitude': 'DOUBLE', 'location_precision': 'VARCHAR', 'means': 'VARCHAR', 'cause': 'VARCHAR', 'target': 'VARCHAR', 'actor_id': 'VARCHAR', 'attribution': 'VARCHAR', 'civilians_killed_min': 'BIGINT', 'civilians_killed_max': 'BIGINT', 'children_killed_min': 'BIGINT', 'children_killed_max': 'BIGINT', 'women_killed_min': 'BIGINT', 'women_killed_max': 'BIGINT', 'men_killed_min': 'BIGINT', 'men_killed_max': 'BIGINT', 'injured_min': 'BIGINT', 'injured_max': 'BIGINT', 'grade': 'VARCHAR', 'belligerent_position': 'VARCHAR', 'belligerent_position_date': 'DATE', 'summary': 'VARCHAR', 'notes': 'VARCHAR', 'updated_on': 'DATE'});
CREATE TEMP TABLE "_depth_incidents" AS WITH RECURSIVE d(k, depth) AS (
    SELECT "incident_id", 0 FROM "_stage_incidents" WHERE "merged_into" IS NULL
    UNION ALL SELECT s."incident_id", d.depth + 1 FROM "_stage_incidents" AS s JOIN d ON s."merged_into" = d.k
    WHERE d.depth < 8
) SELECT k, max(depth) AS depth FROM d GROUP BY k;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 0;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 1;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 2;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 3;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 4;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 5;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 6;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 7;
INSERT INTO "incidents" SELECT s.* FROM "_stage_incidents" AS s JOIN "_depth_incidents" AS d ON d.k = s."incident_id" WHERE d.depth = 8;
CREATE TEMP TABLE _check AS SELECT CASE WHEN (SELECT count(*) FROM "incidents") <> (SELECT count(*) FROM "_stage_incidents") THEN error('incidents: a chain of merged_into is longer than 8 or has a cycle; run make validate') END;
DROP TABLE _check;
DROP TABLE "_depth_incidents";
DROP TABLE "_stage_incidents";

CREATE TEMP TABLE "_stage_claims" AS SELECT * FROM read_csv('data/claims.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'claim_id': 'VARCHAR', 'incident_id': 'VARCHAR', 'source_id': 'VARCHAR', 'cited_source_id': 'VARCHAR', 'claim_type': 'VARCHAR', 'belligerent_assessment': 'VARCHAR', 'date_start': 'DATE', 'date_end': 'DATE', 'local_time': 'VARCHAR', 'stated_on': 'DATE', 'stated_on_precision': 'VARCHAR', 'place': 'VARCHAR', 'place_id': 'VARCHAR', 'target': 'VARCHAR', 'means': 'VARCHAR', 'cause': 'VARCHAR', 'actor_id': 'VARCHAR', 'civilians_killed_min': 'BIGINT', 'civilians_killed_max': 'BIGINT', 'children_killed_min': 'BIGINT', 'children_killed_max': 'BIGINT', 'women_killed_min': 'BIGINT', 'women_killed_max': 'BIGINT', 'men_killed_min': 'BIGINT', 'men_killed_max': 'BIGINT', 'injured_min': 'BIGINT', 'injured_max': 'BIGINT', 'external_id': 'VARCHAR', 'external_url': 'VARCHAR', 'source_grade': 'VARCHAR', 'source_coding': 'VARCHAR', 'statement': 'VARCHAR', 'notes': 'VARCHAR', 'superseded_by': 'VARCHAR', 'updated_on': 'DATE'});
CREATE TEMP TABLE "_depth_claims" AS WITH RECURSIVE d(k, depth) AS (
    SELECT "claim_id", 0 FROM "_stage_claims" WHERE "superseded_by" IS NULL
    UNION ALL SELECT s."claim_id", d.depth + 1 FROM "_stage_claims" AS s JOIN d ON s."superseded_by" = d.k
    WHERE d.depth < 8
) SELECT k, max(depth) AS depth FROM d GROUP BY k;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 0;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 1;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 2;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 3;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 4;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 5;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 6;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 7;
INSERT INTO "claims" SELECT s.* FROM "_stage_claims" AS s JOIN "_depth_claims" AS d ON d.k = s."claim_id" WHERE d.depth = 8;
CREATE TEMP TABLE _check AS SELECT CASE WHEN (SELECT count(*) FROM "claims") <> (SELECT count(*) FROM "_stage_claims") THEN error('claims: a chain of superseded_by is longer than 8 or has a cycle; run make validate') END;
DROP TABLE _check;
DROP TABLE "_depth_claims";
DROP TABLE "_stage_claims";

INSERT INTO "incident_relations" SELECT * FROM read_csv('data/incident_relations.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'relation_id': 'VARCHAR', 'incident_id': 'VARCHAR', 'related_incident_id': 'VARCHAR', 'relation': 'VARCHAR', 'source_id': 'VARCHAR', 'note': 'VARCHAR'});

INSERT INTO "victims" SELECT * FROM read_csv('data/victims.csv', header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', dateformat = '%Y-%m-%d', strict_mode = true, columns = {'victim_id': 'VARCHAR', 'claim_id': 'VARCHAR', 'name': 'VARCHAR', 'sex': 'VARCHAR', 'age': 'BIGINT', 'age_group': 'VARCHAR', 'outcome': 'VARCHAR', 'relation': 'VARCHAR', 'notes': 'VARCHAR'});

-- incident_claim_ranges: the methodology's range rule (civharm/ranges.py), per incident.
CREATE VIEW incident_claim_ranges AS
SELECT incident_id,
       min(civilians_killed_min) AS civilians_killed_min, CASE WHEN max(civilians_killed_max) IS NOT NULL THEN greatest(max(civilians_killed_max), max(civilians_killed_min)) END AS civilians_killed_max,
       min(children_killed_min) AS children_killed_min, CASE WHEN max(children_killed_max) IS NOT NULL THEN greatest(max(children_killed_max), max(children_killed_min)) END AS children_killed_max,
       min(women_killed_min) AS women_killed_min, CASE WHEN max(women_killed_max) IS NOT NULL THEN greatest(max(women_killed_max), max(women_killed_min)) END AS women_killed_max,
       min(men_killed_min) AS men_killed_min, CASE WHEN max(men_killed_max) IS NOT NULL THEN greatest(max(men_killed_max), max(men_killed_min)) END AS men_killed_max,
       min(injured_min) AS injured_min, CASE WHEN max(injured_max) IS NOT NULL THEN greatest(max(injured_max), max(injured_min)) END AS injured_max
FROM claims
WHERE superseded_by IS NULL
GROUP BY incident_id;
COMMENT ON VIEW incident_claim_ranges IS 'Per incident, the smallest and largest figure its claims state (the range rule of the methodology).';

-- campaigns: generated from the categories of incidents.campaign in schemas/.
CREATE VIEW campaigns AS
SELECT * FROM (VALUES ('raqqa-2017', 'The campaign for Raqqa, Syria: the battle for the city ran 6 June - 17 October 2017; incidents elsewhere in Ar-Raqqa governorate in June - October 2017 belong here too.', CAST('2017-06-06' AS DATE), CAST('2017-10-17' AS DATE)), ('mosul-2016-2017', 'The battle for Mosul, Iraq, 17 October 2016 - 20 July 2017.', CAST('2016-10-17' AS DATE), CAST('2017-07-20' AS DATE))) AS c(campaign, label, date_start, date_end);
COMMENT ON VIEW campaigns IS 'Each campaign with its meaning and its first and last day, as schemas/incidents.schema.json states them (the categories of campaign).';

-- coverage: what the data holds, as shares, so that nobody reads more into it than it has.
-- Per campaign (and 'all'): active incidents by grade, by belligerent position, by origin (only a research dataset's
-- claims, such as UCDP GED, or curated from other sources too) and by location precision, and
-- claims by the kind of source that makes them.
CREATE VIEW coverage AS
WITH origin AS (
    SELECT c.incident_id,
           CASE WHEN bool_and(s.category = 'dataset') THEN 'dataset only: ' || string_agg(DISTINCT s.publisher, '; ')
                ELSE 'curated' END AS origin
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    GROUP BY c.incident_id
),
facts AS (
    SELECT CAST(i.campaign AS VARCHAR) AS campaign, 'incidents' AS unit, 'grade' AS aspect, CAST(i.grade AS VARCHAR) AS value
    FROM incidents AS i WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'incidents', 'belligerent_position',
           coalesce(CAST(i.belligerent_position AS VARCHAR), 'no position recorded')
    FROM incidents AS i WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'incidents', 'origin', coalesce(o.origin, 'no claim')
    FROM incidents AS i LEFT JOIN origin AS o USING (incident_id) WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'incidents', 'location_precision', CAST(i.location_precision AS VARCHAR)
    FROM incidents AS i WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'claims', 'source',
           CASE WHEN s.category = 'dataset' THEN 'dataset: ' || s.publisher ELSE CAST(s.category AS VARCHAR) END
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    JOIN incidents AS i ON i.incident_id = c.incident_id WHERE i.status = 'active'
),
counted AS (
    SELECT campaign, unit, aspect, value, count(*) AS n FROM facts GROUP BY ALL
    UNION ALL
    SELECT 'all', unit, aspect, value, count(*) FROM facts GROUP BY ALL
)
SELECT campaign, aspect, value, unit, n AS count,
       CAST(sum(n) OVER (PARTITION BY campaign, aspect) AS BIGINT) AS total,
       round(100.0 * n / sum(n) OVER (PARTITION BY campaign, aspect), 1) AS percent
FROM counted;
COMMENT ON VIEW coverage IS 'Per campaign and for all: active incidents by grade, belligerent position, origin (only a dataset''s claims, or curated) and location precision, and their claims by kind of source; count, total and percent (one decimal).';

-- incident_contributions: the deduplication rule of docs/methodology.md ("Deduplicated totals"),
-- written once. Every sum of deaths in the project (views, docs, README, release) adds up the
-- columns of this view, through incident_days.
--
-- Active incidents joined by incident_relations form a group (a connected component; an
-- unrelated incident is a group of its own). Companion entries are one set of deaths: they form
-- a node, whose min and max are the largest of its members'. Over the nodes of a group:
--   lower bound = the largest of each node's min and, for each container, the sum of the mins
--                 of the nodes it contains (contained nodes are distinct deaths, except those a
--                 relation links to another node of the same container: of those only the
--                 largest min counts);
--   upper bound = the sum, over the nodes no other node contains, of the larger of the node's
--                 max and the sum of the maxima of the nodes it contains (every death of the
--                 group is in one of those nodes); never below the lower bound, never above the
--                 raw sum of the group's maxima.
-- Each incident's share of its group's lower bound is that bound x its own minimum / the group's
-- raw sum of minima, and likewise for the upper bound with maxima: a share never exceeds the
-- incident's own figure, and the shares of a group add up to its bounds. A sum of shares over
-- part of a group (a month, an actor, a tally's scope) is an apportionment, and its lower share
-- can come out above its upper one: the views that show such sums show the smaller as both.
CREATE VIEW incident_contributions AS
WITH RECURSIVE
active AS (
    SELECT incident_id, campaign, date_start, date_end,
           CAST(date_end - date_start AS BIGINT) + 1 AS days,
           coalesce(civilians_killed_min, 0) AS lo,
           coalesce(civilians_killed_max, civilians_killed_min, 0) AS hi,
           civilians_killed_min IS NULL AND civilians_killed_max IS NULL AS no_figure
    FROM incidents
    WHERE status = 'active'
),
links AS (  -- relations whose two incidents are active and distinct
    SELECT r.incident_id AS a, r.related_incident_id AS b, CAST(r.relation AS VARCHAR) AS relation
    FROM incident_relations AS r
    WHERE r.incident_id <> r.related_incident_id
      AND r.incident_id IN (SELECT incident_id FROM active)
      AND r.related_incident_id IN (SELECT incident_id FROM active)
),
both_ways AS MATERIALIZED (
    SELECT a, b, relation FROM links UNION ALL SELECT b, a, relation FROM links
),
-- Each incident's group and node are the smallest ID it is connected to, found by passing labels
-- along the relations until none gets smaller (USING KEY keeps one row per incident, updated in
-- place: the key, not the UNION ALL, removes repeats). Listing every pair of connected incidents
-- instead grows with the square of a group: one container with 2,000 contained incidents cost
-- 5 s, and 8,000 ran out of memory.
grouped(incident_id, group_id) USING KEY (incident_id) AS (  -- incidents with a relation, and their group
    SELECT a, min(least(a, b)) FROM both_ways GROUP BY a
    UNION ALL
    SELECT w.b, min(g.group_id)
    FROM grouped AS g JOIN both_ways AS w ON w.a = g.incident_id
    JOIN recurring.grouped AS r ON r.incident_id = w.b
    GROUP BY w.b
    HAVING min(g.group_id) < any_value(r.group_id)
),
companions AS MATERIALIZED (SELECT a, b FROM both_ways WHERE relation = 'companion_entry'),
classes(incident_id, node_id) USING KEY (incident_id) AS (  -- incidents with a companion entry, and their set of them
    SELECT a, min(least(a, b)) FROM companions GROUP BY a
    UNION ALL
    SELECT w.b, min(c.node_id)
    FROM classes AS c JOIN companions AS w ON w.a = c.incident_id
    JOIN recurring.classes AS r ON r.incident_id = w.b
    GROUP BY w.b
    HAVING min(c.node_id) < any_value(r.node_id)
),
related AS MATERIALIZED (  -- incidents with a relation: their group and their node
    SELECT g.incident_id, g.group_id, coalesce(c.node_id, g.incident_id) AS node_id
    FROM grouped AS g LEFT JOIN classes AS c USING (incident_id)
),
nodes AS (
    SELECT r.group_id, r.node_id, max(a.lo) AS lo, max(a.hi) AS hi
    FROM related AS r JOIN active AS a USING (incident_id)
    GROUP BY ALL
),
linked_from AS MATERIALIZED (  -- each relation, its first incident replaced by its node (in two steps,
    -- so that no plan joins every node with every other on their inequality)
    SELECT x.node_id AS a, l.b, l.relation FROM links AS l JOIN related AS x ON x.incident_id = l.a
),
node_links AS MATERIALIZED (
    SELECT DISTINCT f.a, y.node_id AS b, f.relation
    FROM linked_from AS f JOIN related AS y ON y.incident_id = f.b
    WHERE f.a <> y.node_id
),
holds AS MATERIALIZED (SELECT DISTINCT a AS container, b AS child FROM node_links WHERE relation = 'contains'),
ties AS (  -- contained nodes that a relation ties to another node of the same container
    -- (a semi join: joining holds to holds on the container first pairs every two children of
    -- a container, 400 million rows for one container of 20,000)
    SELECT DISTINCT h.container, h.child
    FROM holds AS h
    JOIN (SELECT a, b FROM node_links UNION ALL SELECT b, a FROM node_links) AS nl ON nl.a = h.child
    SEMI JOIN holds AS sib ON sib.container = h.container AND sib.child = nl.b
),
children AS (  -- each contained node, flagged when tied to another node of its container
    SELECT h.container, h.child, n.lo, n.hi, t.child IS NOT NULL AS tied
    FROM holds AS h
    JOIN nodes AS n ON n.node_id = h.child
    LEFT JOIN ties AS t ON t.container = h.container AND t.child = h.child
),
containers AS (
    SELECT container,
           coalesce(sum(lo) FILTER (WHERE NOT tied), 0) + coalesce(max(lo) FILTER (WHERE tied), 0) AS lo,
           sum(hi) AS hi
    FROM children GROUP BY container
),
group_bounds AS (
    SELECT n.group_id,
           greatest(max(n.lo), coalesce(max(c.lo), 0)) AS lo,
           sum(greatest(n.hi, coalesce(c.hi, 0)))
               FILTER (WHERE n.node_id NOT IN (SELECT child FROM holds)) AS hi
    FROM nodes AS n LEFT JOIN containers AS c ON c.container = n.node_id
    GROUP BY n.group_id
),
groups AS (  -- each group of related incidents (an unrelated incident is a group of its own, below)
    SELECT r.group_id, count(*) AS group_size,
           CAST(sum(a.lo) AS BIGINT) AS group_raw_min, CAST(sum(a.hi) AS BIGINT) AS group_raw_max,
           CAST(coalesce(any_value(b.lo), sum(a.lo)) AS BIGINT) AS group_min,
           CAST(least(greatest(coalesce(any_value(b.hi), sum(a.hi)), coalesce(any_value(b.lo), sum(a.lo))), sum(a.hi))
                AS BIGINT) AS group_max
    FROM related AS r JOIN active AS a USING (incident_id) LEFT JOIN group_bounds AS b USING (group_id)
    GROUP BY r.group_id
)
-- Related incidents take their share of their group's bounds; an unrelated incident (most of
-- them) is its own group, whose bounds are its own figures. Apart, so that the aggregate over
-- groups reads the related incidents only, not every incident.
SELECT a.incident_id, a.campaign, a.date_start, a.date_end, a.days, r.group_id, g.group_size,
       a.no_figure, a.lo AS raw_min, a.hi AS raw_max,
       g.group_raw_min, g.group_raw_max, g.group_min, g.group_max,
       CASE WHEN g.group_raw_min > 0 THEN g.group_min * a.lo / g.group_raw_min ELSE 0 END AS min_share,
       CASE WHEN g.group_raw_max > 0 THEN g.group_max * a.hi / g.group_raw_max ELSE 0 END AS max_share
FROM active AS a JOIN related AS r USING (incident_id) JOIN groups AS g USING (group_id)
UNION ALL
SELECT a.incident_id, a.campaign, a.date_start, a.date_end, a.days, a.incident_id, 1,
       a.no_figure, a.lo, a.hi, CAST(a.lo AS BIGINT), CAST(a.hi AS BIGINT), CAST(a.lo AS BIGINT), CAST(a.hi AS BIGINT),
       CAST(a.lo AS DOUBLE), CAST(a.hi AS DOUBLE)
FROM active AS a ANTI JOIN related AS r USING (incident_id);
COMMENT ON VIEW incident_contributions IS 'One row per active incident: its group of related incidents (incident_relations), the group''s raw and deduplicated bounds, and the incident''s share of them (lower bound x own min / group raw sum of minima; upper likewise with maxima). Every total adds up these shares.';

-- campaign_totals: per campaign, the raw sums of the active incidents' minima and maxima beside
-- the deduplicated bounds (incident_contributions), with how many incidents give no figure and
-- how many relations between incidents the deduplication used.
CREATE VIEW campaign_totals AS
WITH used AS (
    SELECT c.campaign, count(*) AS relations
    FROM incident_relations AS r
    JOIN incidents AS c ON c.incident_id = r.incident_id AND c.status = 'active'
    JOIN incidents AS o ON o.incident_id = r.related_incident_id AND o.status = 'active'
    WHERE r.incident_id <> r.related_incident_id
    GROUP BY c.campaign
)
SELECT c.campaign, count(*) AS incidents,
       count(*) FILTER (WHERE c.no_figure) AS incidents_without_figure,
       min(c.date_start) AS first_date, max(c.date_end) AS last_date,
       CAST(sum(c.raw_min) AS BIGINT) AS raw_min, CAST(sum(c.raw_max) AS BIGINT) AS raw_max,
       CAST(round(sum(c.min_share)) AS BIGINT) AS dedup_min, CAST(round(sum(c.max_share)) AS BIGINT) AS dedup_max,
       count(DISTINCT c.group_id) FILTER (WHERE c.group_size > 1) AS related_groups,
       count(*) FILTER (WHERE c.group_size > 1) AS related_incidents,
       coalesce(any_value(u.relations), 0) AS relations_used
FROM incident_contributions AS c LEFT JOIN used AS u ON u.campaign = c.campaign
GROUP BY c.campaign;
COMMENT ON VIEW campaign_totals IS 'Per campaign: active incidents, those with no figure, first and last date, civilian deaths raw (sums of minima and maxima) and deduplicated (lower and upper bound over related incidents), and the relations used.';

-- incident_days: the daily series every time-based total is cut from. Each active incident's
-- raw figures and deduplicated shares (incident_contributions) spread evenly over the days of
-- its date range, so a figure for 5 June - 20 October adds 1/138 of itself to each of those days
-- instead of counting in June. Values are fractional; views that show them round at the end.
CREATE VIEW incident_days AS
SELECT c.incident_id, c.campaign, c.date_start + CAST(d.k AS INTEGER) AS day, c.days,
       c.date_start, c.date_end, c.no_figure,
       c.raw_min / c.days AS raw_min, c.raw_max / c.days AS raw_max,
       c.min_share / c.days AS dedup_min, c.max_share / c.days AS dedup_max
FROM incident_contributions AS c,
     LATERAL (SELECT unnest(range(c.days)) AS k) AS d;
COMMENT ON VIEW incident_days IS 'One row per active incident and day of its date range: its raw civilian minimum and maximum and its deduplicated shares, each divided evenly over the range''s days (fractional).';

-- campaign_coverage: how much of each campaign's time the incidents cover, against the
-- campaign's own dates (the campaigns view, from the schema).
CREATE VIEW campaign_coverage AS
WITH days AS (  -- days of the campaign's own dates on which at least one incident falls
    SELECT d.campaign, count(DISTINCT d.day) AS days_with_incident,
           count(DISTINCT d.day) FILTER (WHERE d.days = 1) AS days_with_one_day_incident
    FROM incident_days AS d JOIN campaigns AS c ON c.campaign = CAST(d.campaign AS VARCHAR)
    WHERE d.day BETWEEN c.date_start AND c.date_end
    GROUP BY d.campaign
)
SELECT c.campaign, c.label, c.date_start AS campaign_start, c.date_end AS campaign_end,
       CAST(c.date_end - c.date_start AS BIGINT) + 1 AS campaign_days,
       t.incidents, t.first_date, t.last_date,
       CAST(greatest(t.first_date - c.date_start, 0) AS BIGINT) AS days_before_first,
       CAST(greatest(c.date_end - t.last_date, 0) AS BIGINT) AS days_after_last,
       coalesce(d.days_with_incident, 0) AS days_with_incident,
       coalesce(d.days_with_one_day_incident, 0) AS days_with_one_day_incident
FROM campaigns AS c
LEFT JOIN campaign_totals AS t ON CAST(t.campaign AS VARCHAR) = c.campaign
LEFT JOIN days AS d ON CAST(d.campaign AS VARCHAR) = c.campaign;
COMMENT ON VIEW campaign_coverage IS 'Per campaign: its dates (schema), active incidents, the first and last incident date, days of the campaign before the first and after the last incident, and days of the campaign within at least one incident''s dates, and with an incident dated to that one day.';

-- deaths_by_month: civilian deaths per month and campaign, raw and deduplicated side by side,
-- cut from the daily series (incident_days): an incident spanning several months counts in each
-- month for the days it spans there. Tallies are never added. Figures are rounded to whole
-- deaths here, and only here, so the months of a campaign can differ by a death or two from
-- campaign_totals. A month's lower share is never shown above its upper one (methodology).
-- Rows come by campaign (in the schema's order of campaigns), then month.
CREATE VIEW deaths_by_month AS
SELECT campaign, CAST(date_trunc('month', day) AS DATE) AS month,
       count(DISTINCT incident_id) AS incidents,
       count(DISTINCT incident_id) FILTER (WHERE no_figure) AS incidents_without_figure,
       CAST(round(sum(raw_min)) AS BIGINT) AS raw_min,
       CAST(round(sum(raw_max)) AS BIGINT) AS raw_max,
       CAST(round(least(sum(dedup_min), sum(dedup_max))) AS BIGINT) AS dedup_min,
       CAST(round(sum(dedup_max)) AS BIGINT) AS dedup_max
FROM incident_days
GROUP BY ALL
ORDER BY campaign, month;
COMMENT ON VIEW deaths_by_month IS 'Per campaign and month: active incidents whose dates touch the month, and civilian deaths raw (sums of minima and maxima, an open max counting its min) and deduplicated (incident_relations), each incident spread evenly over its days; rounded to whole deaths.';

-- deaths_daily: civilian deaths per campaign and day, raw and deduplicated, from incident_days.
CREATE VIEW deaths_daily AS
SELECT campaign, day, count(*) AS incidents,
       sum(raw_min) AS raw_min, sum(raw_max) AS raw_max,
       sum(dedup_min) AS dedup_min, sum(dedup_max) AS dedup_max
FROM incident_days
GROUP BY campaign, day;
COMMENT ON VIEW deaths_daily IS 'Per campaign and day: the active incidents whose range includes the day, and the sums of their daily raw and deduplicated figures (fractional; round only for display).';

-- incident_overview: one row per incident, with how many claims and sources back it, who they
-- are, the range its claims give (incident_claim_ranges), its grade and the belligerent's position.
CREATE VIEW incident_overview AS
SELECT i.incident_id, i.status, i.campaign, i.date_start, i.date_end, i.locality, i.neighbourhood,
       i.means, a.short_name AS actor, i.attribution,
       i.grade, i.belligerent_position, i.belligerent_position_date,
       count(c.claim_id) AS claims,
       count(DISTINCT c.source_id) AS sources,
       string_agg(DISTINCT s.publisher, '; ' ORDER BY s.publisher) AS publishers,
       any_value(r.civilians_killed_min) AS claims_civilians_min,
       any_value(r.civilians_killed_max) AS claims_civilians_max,
       i.civilians_killed_min, i.civilians_killed_max,
       i.summary
FROM incidents AS i
LEFT JOIN actors AS a ON a.actor_id = i.actor_id
LEFT JOIN claims AS c ON c.incident_id = i.incident_id
LEFT JOIN sources AS s ON s.source_id = c.source_id
LEFT JOIN incident_claim_ranges AS r ON r.incident_id = i.incident_id
GROUP BY ALL;
COMMENT ON VIEW incident_overview IS 'One row per incident: its claims and sources, the min/max across its claims, its grade and the belligerent''s position.';

-- official_vs_monitors: per incident where a belligerent spoke (an admission or a denial), what
-- it conceded against what monitors and the media reported, and the ratio of the two maxima.
-- The founding article's point, as a query: official counts are a fraction of NGO counts.
-- Claims that a later claim supersedes are left out, as in the range rule.
CREATE VIEW official_vs_monitors AS
WITH figures AS (
    SELECT c.incident_id,
           c.claim_type IN ('admission', 'denial') OR s.category = 'belligerent' AS official,
           c.claim_type, least(c.civilians_killed_min, c.civilians_killed_max) AS lo,
           greatest(c.civilians_killed_min, c.civilians_killed_max) AS hi
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    WHERE c.superseded_by IS NULL  -- a revised count (the coalition's 3, raised to 16) is not compared
)
SELECT i.incident_id, i.campaign, i.date_start, i.locality, i.neighbourhood,
       min(f.lo) FILTER (WHERE f.official) AS official_min,
       max(f.hi) FILTER (WHERE f.official) AS official_max,
       bool_or(f.claim_type = 'denial') AS official_denial,
       min(f.lo) FILTER (WHERE NOT f.official) AS monitors_min,
       max(f.hi) FILTER (WHERE NOT f.official) AS monitors_max,
       round(max(f.hi) FILTER (WHERE f.official)
             / nullif(max(f.hi) FILTER (WHERE NOT f.official), 0), 3) AS ratio,
       count(*) FILTER (WHERE f.official) AS official_claims,
       count(*) FILTER (WHERE NOT f.official) AS monitor_claims
FROM incidents AS i JOIN figures AS f ON f.incident_id = i.incident_id
WHERE i.status = 'active'
GROUP BY i.incident_id, i.campaign, i.date_start, i.locality, i.neighbourhood
HAVING count(*) FILTER (WHERE f.official) > 0;
COMMENT ON VIEW official_vs_monitors IS 'Per incident with a belligerent admission or denial: official against monitor and media figures, and official_max / monitors_max.';

-- relay_discrepancies: claims that name the source they rely on (cited_source_id) but state a
-- civilian toll that the cited source's own claim on the same incident does not. The founding
-- article's 55, against the Observatory's 42, is the row this view exists for.
CREATE VIEW relay_discrepancies AS
-- Relaying claims are few: the cited claims are looked for among the claims of the incidents
-- they are about (an IN on incident_id). Planned so, DuckDB builds its hash tables on the relays,
-- not on every claim as the plain self join did (2.7 s against 0.16 s at 1M synthetic incidents,
-- with no relaying claim at all).
WITH relays AS (SELECT * FROM claims WHERE cited_source_id IS NOT NULL AND cited_source_id <> source_id),
cited AS (SELECT * FROM claims WHERE incident_id IN (SELECT incident_id FROM relays))
SELECT r.claim_id, r.incident_id, rs.publisher AS relayed_by, r.civilians_killed_min AS relayed_min,
       r.civilians_killed_max AS relayed_max, o.claim_id AS cited_claim_id, os.publisher AS cited_source,
       o.civilians_killed_min AS cited_min, o.civilians_killed_max AS cited_max
FROM relays AS r
JOIN sources AS rs ON rs.source_id = r.source_id
JOIN cited AS o ON o.incident_id = r.incident_id AND o.source_id = r.cited_source_id
JOIN sources AS os ON os.source_id = o.source_id
WHERE ((r.civilians_killed_min IS NOT NULL AND o.civilians_killed_min IS NOT NULL
        AND r.civilians_killed_min <> o.civilians_killed_min)
    OR (r.civilians_killed_max IS NOT NULL AND o.civilians_killed_max IS NOT NULL
        AND r.civilians_killed_max <> o.civilians_killed_max));
COMMENT ON VIEW relay_discrepancies IS 'Claims whose civilian toll differs from what their cited source said about the same incident.';

-- source_chains: every source that copies (republished_from) or relays (cited_source_id in its
-- claims or tallies) another, followed hop by hop to the original it rests on.
CREATE VIEW source_chains AS
WITH RECURSIVE links AS (
    SELECT DISTINCT source_id, republished_from AS via, 'republishes' AS relation
    FROM sources WHERE republished_from IS NOT NULL
    UNION
    SELECT DISTINCT source_id, cited_source_id, 'relays' FROM claims
    WHERE cited_source_id IS NOT NULL AND cited_source_id <> source_id
    UNION
    SELECT DISTINCT source_id, cited_source_id, 'relays' FROM tallies
    WHERE cited_source_id IS NOT NULL AND cited_source_id <> source_id
),
chain(source_id, relation, current, hops, path) AS (
    SELECT source_id, relation, via, 1, [source_id, via] FROM links
    UNION ALL
    SELECT c.source_id, c.relation, l.via, c.hops + 1, list_append(c.path, l.via)
    FROM chain AS c JOIN links AS l ON l.source_id = c.current
    WHERE NOT list_contains(c.path, l.via) AND c.hops < 16
)
SELECT c.source_id, s.publisher, c.relation, c.current AS original_id, o.publisher AS original_publisher,
       c.hops, array_to_string(c.path, ' -> ') AS path
FROM chain AS c
JOIN sources AS s ON s.source_id = c.source_id
JOIN sources AS o ON o.source_id = c.current
WHERE NOT EXISTS (SELECT 1 FROM links AS l WHERE l.source_id = c.current);
COMMENT ON VIEW source_chains IS 'Republications and relays, each followed to the original source it rests on, with the path.';

-- tally_coverage: each tally beside the incidents of the same campaign, area and attribution
-- scope over its period, or the reason it cannot be compared.
--   area scope:  incidents whose field named by the tally's area_level equals its area_name;
--   actor scope: incidents attributed to the tally's actor or any actor within it (parent_id);
--                a tally that blames no one takes every perpetrator.
-- An incident whose place at that level or whose actor is not stated may or may not be in scope:
-- it is counted apart (possible_*), and the comparison is then only a lower bound.
-- Figures are the daily series (incident_days) summed over the period: a multi-day incident
-- counts for the days its range shares with the period. Each tally is the difference of two
-- running totals per scope (an as-of join), so the cost grows with the data, not with tallies x
-- incidents. Rounded to whole deaths.
CREATE VIEW tally_coverage AS
WITH RECURSIVE
within(scope_actor, actor_id) AS (  -- every actor and those acting within it
    SELECT actor_id, actor_id FROM actors
    UNION
    SELECT w.scope_actor, a.actor_id FROM within AS w JOIN actors AS a ON a.parent_id = w.actor_id
),
scopes AS (
    SELECT DISTINCT campaign, area_level, area_name, actor_id AS scope_actor
    FROM tallies WHERE area_level IS NOT NULL AND area_name IS NOT NULL
),
places AS (  -- each active incident's place at each level a tally names, in a campaign a tally names
    SELECT incident_id, campaign, actor_id, level, name
    FROM (SELECT incident_id, campaign, actor_id, locality, admin2, admin1, country
          FROM incidents WHERE status = 'active' AND campaign IN (SELECT campaign FROM scopes))
    UNPIVOT INCLUDE NULLS (name FOR level IN (locality, admin2, admin1, country))
    WHERE level IN (SELECT CAST(area_level AS VARCHAR) FROM scopes)
),
members AS (  -- (scope, incident): 'in' scope, or 'possible' when its place or actor is not stated
    SELECT s.*, p.incident_id,
           CASE WHEN p.name IS NOT NULL AND (s.scope_actor IS NULL OR w.actor_id IS NOT NULL)
                THEN 'in' ELSE 'possible' END AS class
    FROM scopes AS s
    JOIN (SELECT * FROM places WHERE name IS NOT NULL) AS p
      ON p.campaign = s.campaign AND p.level = CAST(s.area_level AS VARCHAR) AND p.name = s.area_name
    LEFT JOIN within AS w ON w.scope_actor = s.scope_actor AND w.actor_id = p.actor_id
    WHERE s.scope_actor IS NULL OR p.actor_id IS NULL OR w.actor_id IS NOT NULL
    UNION ALL
    SELECT s.*, p.incident_id, 'possible'
    FROM scopes AS s
    JOIN (SELECT * FROM places WHERE name IS NULL) AS p
      ON p.campaign = s.campaign AND p.level = CAST(s.area_level AS VARCHAR)
    LEFT JOIN within AS w ON w.scope_actor = s.scope_actor AND w.actor_id = p.actor_id
    WHERE s.scope_actor IS NULL OR p.actor_id IS NULL OR w.actor_id IS NOT NULL
),
daily AS (
    SELECT m.campaign, m.area_level, m.area_name, m.scope_actor, m.class, d.day,
           count(*) FILTER (WHERE d.day = d.date_start) AS starts,
           count(*) FILTER (WHERE d.day = d.date_end) AS ends,
           sum(d.raw_min) AS raw_min, sum(d.raw_max) AS raw_max,
           sum(d.dedup_min) AS dedup_min, sum(d.dedup_max) AS dedup_max
    FROM members AS m JOIN incident_days AS d USING (incident_id)
    GROUP BY ALL
),
running AS (  -- running totals per scope and class, day by day
    SELECT campaign, area_level, area_name, scope_actor, class, day,
           sum(starts) OVER w AS starts, sum(ends) OVER w AS ends,
           sum(raw_min) OVER w AS raw_min, sum(raw_max) OVER w AS raw_max,
           sum(dedup_min) OVER w AS dedup_min, sum(dedup_max) OVER w AS dedup_max
    FROM daily
    WINDOW w AS (PARTITION BY campaign, area_level, area_name, scope_actor, class ORDER BY day)
),
asked AS (  -- each comparable tally, once per class
    SELECT t.*, 'in' AS class FROM tallies AS t WHERE t.area_level IS NOT NULL AND t.area_name IS NOT NULL
    UNION ALL
    SELECT t.*, 'possible' FROM tallies AS t WHERE t.area_level IS NOT NULL AND t.area_name IS NOT NULL
),
spans AS (  -- per tally and class: running totals at the period's end minus the day before it starts
    SELECT a.tally_id, a.class,
           coalesce(e.starts, 0) - coalesce(b.ends, 0) AS incidents,
           coalesce(e.raw_min, 0) - coalesce(b.raw_min, 0) AS raw_min,
           coalesce(e.raw_max, 0) - coalesce(b.raw_max, 0) AS raw_max,
           coalesce(e.dedup_min, 0) - coalesce(b.dedup_min, 0) AS dedup_min,
           coalesce(e.dedup_max, 0) - coalesce(b.dedup_max, 0) AS dedup_max
    FROM asked AS a
    ASOF LEFT JOIN running AS e
           ON e.campaign = a.campaign AND e.area_level = a.area_level AND e.area_name = a.area_name
          AND e.scope_actor IS NOT DISTINCT FROM a.actor_id AND e.class = a.class AND e.day <= a.period_end
    ASOF LEFT JOIN running AS b
           ON b.campaign = a.campaign AND b.area_level = a.area_level AND b.area_name = a.area_name
          AND b.scope_actor IS NOT DISTINCT FROM a.actor_id AND b.class = a.class AND b.day < a.period_start
),
figures AS (
    SELECT tally_id,
           any_value(incidents) FILTER (WHERE class = 'in') AS incidents,
           any_value(raw_min) FILTER (WHERE class = 'in') AS raw_min,
           any_value(raw_max) FILTER (WHERE class = 'in') AS raw_max,
           any_value(dedup_min) FILTER (WHERE class = 'in') AS dedup_min,
           any_value(dedup_max) FILTER (WHERE class = 'in') AS dedup_max,
           any_value(incidents) FILTER (WHERE class = 'possible') AS possible_incidents,
           any_value(dedup_min) FILTER (WHERE class = 'possible') AS possible_min,
           any_value(dedup_max) FILTER (WHERE class = 'possible') AS possible_max
    FROM spans GROUP BY tally_id
)
SELECT t.tally_id, s.publisher, t.period_start, t.period_end, t.period_text, t.area,
       CASE WHEN t.area_level IS NULL OR t.area_name IS NULL THEN NULL
            ELSE CAST(t.area_level AS VARCHAR) || ' ' || t.area_name || ', '
                 || coalesce((SELECT short_name FROM actors WHERE actor_id = t.actor_id) || ' and those within it',
                             'any perpetrator') END AS scope,
       t.civilians_killed_min AS tally_min, t.civilians_killed_max AS tally_max,
       CASE WHEN t.area_level IS NULL OR t.area_name IS NULL THEN 'not_comparable'
            WHEN f.possible_incidents > 0 THEN 'lower_bound'
            ELSE 'like_for_like' END AS comparison,
       CASE WHEN t.area_level IS NULL OR t.area_name IS NULL
                THEN 'the tally''s area is not stated in the incidents'' terms (area_level, area_name)'
            WHEN f.possible_incidents > 0
                THEN f.possible_incidents || ' incident(s) in the period may be in scope but state no '
                     || CASE WHEN t.actor_id IS NULL THEN 'place' ELSE 'actor or place' END
                     || ' at that level: the incidents in scope are a lower bound' END AS reason,
       CAST(f.incidents AS BIGINT) AS incidents,
       CAST(round(f.raw_min) AS BIGINT) AS raw_min, CAST(round(f.raw_max) AS BIGINT) AS raw_max,
       CAST(round(least(f.dedup_min, f.dedup_max)) AS BIGINT) AS dedup_min, CAST(round(f.dedup_max) AS BIGINT) AS dedup_max,
       CAST(f.possible_incidents AS BIGINT) AS possible_incidents,
       CAST(round(least(f.possible_min, f.possible_max)) AS BIGINT) AS possible_min, CAST(round(f.possible_max) AS BIGINT) AS possible_max
FROM tallies AS t
JOIN sources AS s ON s.source_id = t.source_id
LEFT JOIN figures AS f USING (tally_id);
COMMENT ON VIEW tally_coverage IS 'Each tally beside the active incidents of its campaign, area (area_level, area_name) and actor scope over its period, raw and deduplicated, each incident counted for the days it shares with the period; incidents that may be in scope (no actor or place stated) apart; comparison says like_for_like, lower_bound or not_comparable and why. Never add tallies to incidents.';

-- source_originals: each source's original source (the grade rule, civharm/grades.py).
CREATE VIEW source_originals AS
SELECT s.source_id, o.source_id AS original_id, o.publisher, o.category
FROM sources AS s
LEFT JOIN (SELECT DISTINCT source_id, original_id FROM source_chains) AS ch USING (source_id)
JOIN sources AS o ON o.source_id = coalesce(ch.original_id, s.source_id);
COMMENT ON VIEW source_originals IS 'Each source with the original source it rests on (republished_from and relays followed through source_chains; a source with no chain is its own original), and that original''s publisher and category.';

-- claim_originals: each claim's original source (the grade rule, civharm/grades.py).
CREATE VIEW claim_originals AS
SELECT c.claim_id, c.incident_id, c.claim_type, c.source_id,
       o.original_id,
       o.publisher AS original_publisher, CAST(o.category AS VARCHAR) AS original_category,
       c.superseded_by IS NULL AS is_current
FROM claims AS c
JOIN source_originals AS o ON o.source_id = coalesce(c.cited_source_id, c.source_id);
COMMENT ON VIEW claim_originals IS 'Each claim with the original source it rests on (cited_source_id and republished_from followed), its publisher and whether the claim is current (not superseded).';

-- incident_grades: the documentation grade each incident's current claims give (civharm/grades.py).
CREATE VIEW incident_grades AS
-- Two plain hash aggregates, which DuckDB can spill to disk at any size: per incident and
-- original publisher first (so each publisher counts once, with no DISTINCT aggregate), then per
-- incident. The publishers are listed by list_sort, not string_agg(... ORDER BY ...): an ordered
-- aggregate keeps and sorts every group's rows apart, and took three quarters of the grade's time
-- at 1M incidents (and ran out of memory at 10M).
WITH cur AS (
    SELECT c.incident_id, c.claim_type = 'report' AS is_report,
           c.claim_type = 'report' AND CAST(o.category AS VARCHAR) <> 'dataset' AS counts,
           o.publisher AS original_publisher, (c.civilians_killed_min IS NOT NULL OR c.civilians_killed_max IS NOT NULL OR c.children_killed_min IS NOT NULL OR c.children_killed_max IS NOT NULL OR c.women_killed_min IS NOT NULL OR c.women_killed_max IS NOT NULL OR c.men_killed_min IS NOT NULL OR c.men_killed_max IS NOT NULL OR c.injured_min IS NOT NULL OR c.injured_max IS NOT NULL) AS has_figure
    FROM claims AS c
    JOIN source_originals AS o ON o.source_id = coalesce(c.cited_source_id, c.source_id)
    WHERE c.superseded_by IS NULL
),
publishers AS (
    SELECT incident_id, original_publisher, count(*) FILTER (WHERE is_report) AS reports,
           bool_or(is_report AND has_figure) AS reports_figure, bool_or(counts) AS counts
    FROM cur GROUP BY incident_id, original_publisher
),
per AS (
    SELECT incident_id, CAST(sum(reports) AS BIGINT) AS reports,
           count(*) FILTER (WHERE counts) AS independent_sources,
           array_to_string(list_sort(list(original_publisher)
                                     FILTER (WHERE counts AND original_publisher IS NOT NULL)), '; ') AS originals,
           coalesce(bool_or(reports_figure), false) AS reports_figure
    FROM publishers GROUP BY incident_id
)
SELECT incident_id, reports, independent_sources, originals, reports_figure,
       CASE WHEN reports = 0 THEN 'belligerent_only'
            WHEN NOT reports_figure THEN 'weak'
            WHEN independent_sources >= 2 THEN 'fair'
            ELSE 'single_source' END AS grade
FROM per;
COMMENT ON VIEW incident_grades IS 'Per incident with current claims: its current reports, the independent original publishers they rest on, and the grade the methodology''s rule gives.';

-- belligerent_positions: each belligerent's latest current admission or denial per incident.
CREATE VIEW belligerent_positions AS
SELECT incident_id, actor_id, position, as_of, claim_id
FROM (
    SELECT c.incident_id, c.actor_id,
           CASE c.claim_type WHEN 'admission' THEN 'conceded' ELSE 'denied' END AS position,
           -- when the belligerent spoke: the claim's stated_on (a day: one known only to the month
           -- is not a date of the position), else its source's published_on
           max(coalesce(CASE WHEN c.stated_on_precision = 'month' THEN NULL ELSE c.stated_on END, s.published_on))
               OVER (PARTITION BY c.incident_id, c.actor_id) AS as_of,
           c.claim_id,
           row_number() OVER (PARTITION BY c.incident_id, c.actor_id
                              ORDER BY coalesce(CASE WHEN c.stated_on_precision = 'month' THEN NULL
                                                     ELSE c.stated_on END, s.published_on) DESC NULLS LAST,
                                       c.claim_id DESC) AS n
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    WHERE c.claim_type IN ('admission', 'denial') AND c.superseded_by IS NULL AND c.actor_id IS NOT NULL
)
WHERE n = 1;
COMMENT ON VIEW belligerent_positions IS 'Per incident and belligerent: its position (conceded or denied) from its latest current admission or denial, the date of the latest such statement (its stated_on where it gives the day, else its source''s published_on), and the claim it rests on.';

-- incident_positions: the position of each incident's attributed actor, or of the nearest
-- coalition it belongs to (actors.parent_id) where the actor itself has not spoken.
CREATE VIEW incident_positions AS
-- Only incidents on which some belligerent spoke are walked up the actors: the rest have no
-- position, and walking every incident made this view grow with the incidents, not the statements.
WITH RECURSIVE up(incident_id, actor_id, depth) AS (
    SELECT incident_id, actor_id, 0 FROM incidents
    WHERE actor_id IS NOT NULL AND incident_id IN (SELECT incident_id FROM belligerent_positions)
    UNION ALL
    SELECT up.incident_id, a.parent_id, up.depth + 1
    FROM up JOIN actors AS a ON a.actor_id = up.actor_id
    WHERE a.parent_id IS NOT NULL AND up.depth < 8
)
SELECT incident_id, actor_id, position, as_of, claim_id
FROM (
    SELECT up.incident_id, p.actor_id, p.position, p.as_of, p.claim_id,
           row_number() OVER (PARTITION BY up.incident_id ORDER BY up.depth) AS n
    FROM up JOIN belligerent_positions AS p USING (incident_id, actor_id)
)
WHERE n = 1;
COMMENT ON VIEW incident_positions IS 'Per incident: the belligerent position its columns hold, whose it is (the attributed actor or its coalition), the date and the claim.';

COMMIT;
