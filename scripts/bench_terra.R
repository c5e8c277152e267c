# Exact-fraction peer for scripts/bench_coverage.sh: R terra's extract(exact = TRUE), the
# coverage-weighted mean of a 0/1 forest raster per township (nodata left out), as CSV.
#   Rscript bench_terra.R FOREST.tif TOWNSHIPS.gpkg ID_FIELD OUT.csv
suppressMessages(library(terra))
a <- commandArgs(trailingOnly = TRUE)
if (length(a) != 4) stop("usage: bench_terra.R FOREST.tif TOWNSHIPS.gpkg ID_FIELD OUT.csv")
forest <- rast(a[1])
zones <- vect(a[2])
e <- extract(forest, zones, fun = mean, exact = TRUE, na.rm = TRUE, ID = TRUE)
out <- data.frame(id = zones[[a[3]]][, 1], frac = e[, 2])
names(out)[1] <- a[3]
write.csv(out, a[4], row.names = FALSE)
