#!/usr/bin/python3
"""redline activity's image input, on generated scenes, checked against what was PLANTED.

Scenes come from scripts/make_activity_scene.py; its --misregistration DX,DY moves the after image's
content DX metres east and DY metres north of where the before image shows it (whole 5 m ground
cells, so planted shifts are multiples of half a 10 m cell), without correcting the georeferencing.

  a. misregistration: the shift redline measures (JSON input.misregistration) matches the planted
     one within 0.15 cell (in cells and in metres) for several planted shifts, is corrected between
     0.2 and 2 cells, left alone under 0.2 cell, and a 5-cell shift is refused (exit 2, the measured
     shift and "co-register" in the message, no output left); --after-shift none / DX,DY;
  b. bands without --bands or --sensor: the roles the scene wrote into its bands (5-band stack
     and the 12-band Sentinel-2 L2A stack) are recognised per date, the JSON says where from; a file
     whose bands carry no names is refused with the bands listed and --bands in the message; a
     missing image is reported as missing, not as a question of bands;
  c. scale: the scene's reflectance_scale metadata is used; without it, UInt16 values are taken for
     reflectance × 10000 and the JSON says it is assumed;
  d. resampling: an after image of 8 m cells (coarsening) is averaged, its mask thresholded at 10 %;
     the JSON says so.

Run: /usr/bin/python3 tests/activity/test_images.py --redline build/redline [-v] [Class.test]
"""
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_activity as ta  # noqa: E402  (scene generation and runs shared with the other scene tests)

from osgeo import gdal  # noqa: E402

gdal.UseExceptions()

TOLERANCE_CELLS = 0.15
PIX = 10.0


def summary(run):
    with open(run.json, encoding="utf-8-sig") as f:
        return json.load(f)


def misregistration(run):
    return summary(run)["input"]["misregistration"]


def activity(scene_dir, name, band_args=(), extra=(), expect_ok=True, **kw):
    """redline activity without --bands/--sensor (unless @p band_args), no chips."""
    return ta.run_activity(scene_dir, name, band_args=list(band_args), extra=["--no-chips"] + list(extra),
                           expect_ok=expect_ok, **kw)


class PlantedShifts(unittest.TestCase):
    """The measured shift against the planted one."""

    # (DX east, DY north) metres, planted; scene options.
    CASES = [((5.0, 5.0), []), ((-15.0, 10.0), ["--size", "800"]),
             ((10.0, -5.0), ["--size", "800", "--bands", "4"])]

    @classmethod
    def setUpClass(cls):
        cls.runs, cls.scenes = [], []
        for (dx, dy), opts in cls.CASES:
            name = "shift_%g_%g" % (dx, dy)
            d = ta.scene(name, "--misregistration=%g,%g" % (dx, dy), *opts)
            cls.runs.append(((dx, dy), activity(d, name)))
            cls.scenes.append(d)

    def test_measured_shift_matches_the_planted_one(self):
        for (dx, dy), run in self.runs:
            m = misregistration(run)
            self.assertTrue(m["measured"], m)
            # Cells: columns right (east), rows down (south).
            self.assertAlmostEqual(m["dx_cells"], dx / PIX, delta=TOLERANCE_CELLS, msg=(dx, dy, m))
            self.assertAlmostEqual(m["dy_cells"], -dy / PIX, delta=TOLERANCE_CELLS, msg=(dx, dy, m))
            self.assertAlmostEqual(m["east_m"], dx, delta=TOLERANCE_CELLS * PIX, msg=(dx, dy, m))
            self.assertAlmostEqual(m["north_m"], dy, delta=TOLERANCE_CELLS * PIX, msg=(dx, dy, m))
            self.assertGreaterEqual(m["windows_agreeing"], 3, m)

    def test_shifts_between_a_fifth_and_two_cells_are_corrected(self):
        for (dx, dy), run in self.runs:
            m = misregistration(run)
            self.assertTrue(m["corrected"], m)
            self.assertEqual((m["correction_dx_cells"], m["correction_dy_cells"]), (m["dx_cells"], m["dy_cells"]))
            self.assertIn("corrected", m["verdict"])
            self.assertTrue(summary(run)["image"]["after_warped_to_before_grid"])

    def test_the_console_says_it(self):
        for _, run in self.runs:
            self.assertIn("Misregistration of the after image: measured", run.stdout)

    def test_correction_keeps_the_planted_changes(self):
        # The -1.5, -1 cell scene: corrected, the planted changes are found as on an aligned pair.
        (_, run) = self.runs[1]
        r, text = ta.scored(self, self.scenes[1], run)
        self.assertGreaterEqual(r["recall"], ta.MIN_R, text)
        self.assertGreaterEqual(r["precision"], ta.MIN_P, text)


class NoShift(unittest.TestCase):
    def test_aligned_dates_are_measured_and_left_alone(self):
        d = ta.scene("shift_0_0", "--misregistration", "0,0", "--size", "800")
        m = misregistration(activity(d, "shift_0_0"))
        self.assertTrue(m["measured"], m)
        self.assertLess(abs(m["dx_cells"]), TOLERANCE_CELLS, m)
        self.assertLess(abs(m["dy_cells"]), TOLERANCE_CELLS, m)
        self.assertFalse(m["corrected"], m)
        self.assertIn("not corrected", m["verdict"])


class FiveCells(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scene = ta.scene("shift_50_0", "--misregistration", "50,0", "--size", "800")

    def test_refused_with_the_measured_shift(self):
        out = os.path.join(ta.workdir(), "out_shift_50_0")
        os.makedirs(out, exist_ok=True)
        r = activity(self.scene, "shift_50_0", out_dir=out, expect_ok=False)
        self.assertEqual(r.rc, 2, r.describe())
        msg = r.stderr
        self.assertIn("misregistered by 5.0", msg, r.describe())  # planted: 5 cells east
        self.assertIn("m east", msg, r.describe())
        self.assertIn("Co-register the images", msg, r.describe())
        self.assertIn("--after-shift", msg, r.describe())
        self.assertEqual(os.listdir(out), [], "outputs left behind\n" + r.describe())

    def test_a_given_shift_is_applied_without_measuring(self):
        # The user co-registered by hand and says so: 5 cells right.
        run = activity(self.scene, "shift_50_0_given", extra=["--after-shift", "5,0"])
        m = misregistration(run)
        self.assertEqual(m["mode"], "given")
        self.assertFalse(m["measured"])
        self.assertTrue(m["corrected"])
        self.assertEqual((m["correction_dx_cells"], m["correction_dy_cells"]), (5.0, 0.0))
        r, text = ta.scored(self, self.scene, run)
        self.assertGreaterEqual(r["recall"], ta.MIN_R, text)
        self.assertGreaterEqual(r["precision"], ta.MIN_P, text)

    def test_none_skips_the_check(self):
        m = misregistration(activity(self.scene, "shift_50_0_none", extra=["--after-shift", "none"]))
        self.assertEqual(m["mode"], "none")
        self.assertFalse(m["measured"])
        self.assertFalse(m["corrected"])

    def test_a_malformed_shift_is_refused(self):
        r = activity(self.scene, "shift_bad", extra=["--after-shift", "half"], expect_ok=False)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("--after-shift 'half'", r.stderr)


class BandsFromTheFile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.default = ta.scene("default")
        cls.auto = activity(cls.default, "bands_auto")
        cls.s2 = ta.scene("s2_l2a", "--sensor", "sentinel2_l2a", "--size", "800")
        cls.s2_run = activity(cls.s2, "bands_s2")

    def test_five_band_stack(self):
        # The scene writes B2 B3 B4 B8 B11 (roles blue, green, red, nir, swir1) in this order.
        i = summary(self.auto)["input"]
        for date in ("before", "after"):
            self.assertEqual(i[date]["bands"], "blue=1,green=2,red=3,nir=4,swir1=5")
            self.assertIn("before.tif" if date == "before" else "after.tif", i[date]["bands_from"])
            self.assertEqual(len(i[date]["recognised"]), 5)
        self.assertIn("Before bands blue=1,green=2,red=3,nir=4,swir1=5 from", self.auto.stdout)

    def test_sentinel2_stack_with_swir2(self):
        # B1 B2 B3 B4 B5 B6 B7 B8 B8A B9 B11 B12: B8 is nir, not B8A; B12 is swir2.
        i = summary(self.s2_run)["input"]
        self.assertEqual(i["before"]["bands"], "blue=2,green=3,red=4,nir=8,swir1=11,swir2=12")
        self.assertEqual(i["after"]["bands"], "blue=2,green=3,red=4,nir=8,swir1=11,swir2=12")
        self.assertEqual(len(i["before"]["not_used"]), 6)

    def test_each_date_on_its_own(self):
        # The after image as a 4-band stack in another order (nir, red, green, blue), named.
        path = os.path.join(ta.workdir(), "after_reordered.tif")
        if not os.path.exists(path):
            src = gdal.Open(os.path.join(self.default, "after.tif"))
            gdal.Translate(path, src, options=gdal.TranslateOptions(bandList=[4, 3, 2, 1]))
        run = activity(self.default, "bands_reordered", after=path, after_mask="after_scl.tif")
        i = summary(run)["input"]
        self.assertEqual(i["before"]["bands"], "blue=1,green=2,red=3,nir=4,swir1=5")
        self.assertEqual(i["after"]["bands"], "blue=4,green=3,red=2,nir=1")

    def test_unnamed_bands_are_refused_with_their_list(self):
        path = os.path.join(ta.workdir(), "before_unnamed.tif")
        if not os.path.exists(path):
            src = gdal.Open(os.path.join(self.default, "before.tif"))
            ds = gdal.Translate(path, src)
            for b in range(1, ds.RasterCount + 1):
                band = ds.GetRasterBand(b)
                band.SetDescription("")
                band.SetMetadata({})
            ds = None
        r = activity(self.default, "bands_unnamed", before=path, expect_ok=False)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("before_unnamed.tif: cannot tell which band is which", r.stderr)
        self.assertIn("1 (no name), 2 (no name)", r.stderr)
        self.assertIn("--bands blue=N", r.stderr)
        self.assertIn("--sensor PRESET", r.stderr)
        # The after date's advice names the after date's options.
        r = activity(self.default, "bands_unnamed_after", after=path, after_mask=None, expect_ok=False)
        self.assertIn("--after-bands", r.stderr, r.describe())

    def test_missing_image_is_reported_before_bands(self):
        for which in ("before", "after"):
            r = activity(self.default, "missing_" + which, expect_ok=False, **{which: "no_such_image.tif"})
            self.assertEqual(r.rc, 2, r.describe())
            self.assertIn("--%s no_such_image.tif" % which, r.stderr, r.describe())
            self.assertNotIn("which band", r.stderr, r.describe())
            # Also with bands given that the missing file could never satisfy.
            r = activity(self.default, "missing_bands_" + which, band_args=["--bands", "blue=1,green=2,red=3,nir=9"],
                         expect_ok=False, **{which: "no_such_image.tif"})
            self.assertIn("no_such_image.tif", r.stderr, r.describe())
            self.assertNotIn("band 9", r.stderr, r.describe())


class Scale(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scene = ta.scene("default")

    def test_metadata_scale(self):
        i = summary(activity(self.scene, "scale_metadata"))["input"]
        self.assertEqual(i["before"]["scale"], 0.0001)
        self.assertIn("reflectance_scale=0.0001", i["before"]["scale_from"])
        self.assertFalse(i["before"]["scale_assumed"])

    def test_assumed_without_metadata_and_said(self):
        path = os.path.join(ta.workdir(), "before_no_scale.tif")
        if not os.path.exists(path):
            ds = gdal.Translate(path, gdal.Open(os.path.join(self.scene, "before.tif")))
            md = ds.GetMetadata()
            md.pop("reflectance_scale", None)
            ds.SetMetadata(md)
            ds = None
        run = activity(self.scene, "scale_assumed", before=path)
        i = summary(run)["input"]
        self.assertEqual(i["before"]["scale"], 0.0001)
        self.assertTrue(i["before"]["scale_assumed"])
        self.assertIn("assumed reflectance × 10000", i["before"]["scale_from"])
        self.assertIn("assumed reflectance × 10000", run.stdout)
        # --scale wins.
        i = summary(activity(self.scene, "scale_option", before=path, extra=["--scale", "0.0001"]))["input"]
        self.assertEqual(i["before"]["scale_from"], "--scale")


class Coarsening(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scene = ta.scene("default")
        cls.after8 = os.path.join(ta.workdir(), "after_8m.tif")
        cls.mask8 = os.path.join(ta.workdir(), "after_8m_scl.tif")
        if not os.path.exists(cls.after8):
            gdal.Warp(cls.after8, os.path.join(cls.scene, "after.tif"),
                      options=gdal.WarpOptions(xRes=8, yRes=8, resampleAlg="bilinear", srcNodata=0, dstNodata=0))
            gdal.Warp(cls.mask8, os.path.join(cls.scene, "after_scl.tif"),
                      options=gdal.WarpOptions(xRes=8, yRes=8, resampleAlg="near"))
        cls.auto = activity(cls.scene, "after_8m", after=cls.after8, after_mask=cls.mask8)

    def test_average_and_mask_share(self):
        r = summary(self.auto)["input"]["resampling"]
        self.assertAlmostEqual(r["after_to_before_cell_ratio"], 0.8, places=3)
        self.assertEqual(r["bands"], "average")
        self.assertIn("10 %", r["masks"])

    def test_planted_changes_still_found(self):
        r, text = ta.scored(self, self.scene, self.auto)
        self.assertGreaterEqual(r["recall"], ta.MIN_R, text)
        self.assertGreaterEqual(r["precision"], ta.MIN_P, text)
        self.assertEqual(r["outside"], [], text)


def tearDownModule():
    ta.tearDownModule()


if __name__ == "__main__":
    ta.take_redline_arg()
    unittest.main()
