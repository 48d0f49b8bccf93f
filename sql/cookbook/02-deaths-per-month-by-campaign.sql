-- How many civilians were killed per month, in each campaign?
-- Sums of the active incidents' minima and maxima (an open maximum counts its minimum);
-- incidents whose sources give no number are counted apart. Tallies are never added.
SELECT campaign, strftime(month, '%Y-%m') AS month, incidents, civilians_killed_min, civilians_killed_max,
       incidents_without_figure
FROM deaths_by_month
ORDER BY campaign, month;
