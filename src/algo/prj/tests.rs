use super::*;

/// `.prj` texts GDAL 3.6 writes (`gdalsrsinfo -o wkt_esri EPSG:<code>`, the WKT its
/// Shapefile driver puts in a `.prj`), with the code each must be recognised as.
const GDAL_PRJ: [(u16, &str); 18] = [
    (
        4326,
        r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    ),
    (
        4490,
        r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    ),
    (
        3824,
        r#"GEOGCS["GCS_TWD_1997",DATUM["D_TWD_1997",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    ),
    (
        3826,
        r#"PROJCS["TWD_1997_TM_Taiwan",GEOGCS["GCS_TWD_1997",DATUM["D_TWD_1997",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",250000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",121.0],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        3825,
        r#"PROJCS["TWD_1997_TM_Penghu",GEOGCS["GCS_TWD_1997",DATUM["D_TWD_1997",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",250000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",119.0],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        3828,
        r#"PROJCS["TWD_1967_TM_Taiwan",GEOGCS["GCS_TWD_1967",DATUM["D_TWD_1967",SPHEROID["GRS_1967_Truncated",6378160.0,298.25]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",250000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",121.0],PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        4549,
        r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        4528,
        r#"PROJCS["CGCS2000_3_Degree_GK_Zone_40",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",40500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        2385,
        r#"PROJCS["Xian_1980_3_Degree_GK_CM_120E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        2435,
        r#"PROJCS["Beijing_1954_3_Degree_GK_CM_114E",GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",114.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        3857,
        r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        3395,
        r#"PROJCS["WGS_1984_World_Mercator",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        32651,
        r#"PROJCS["WGS_1984_UTM_Zone_51N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        32751,
        r#"PROJCS["WGS_1984_UTM_Zone_51S",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",10000000.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        3067,
        r#"PROJCS["EUREF_FIN_TM35FIN",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",27.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#,
    ),
    (
        2154,
        r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#,
    ),
    (
        3414,
        r#"PROJCS["SVY21_Singapore_TM",GEOGCS["GCS_SVY21",DATUM["D_SVY21",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",28001.642],PARAMETER["False_Northing",38744.572],PARAMETER["Central_Meridian",103.833333333333],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",1.36666666666667],UNIT["Meter",1.0]]"#,
    ),
    (
        2263,
        r#"PROJCS["NAD_1983_StatePlane_New_York_Long_Island_FIPS_3104_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",984250.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",-74.0],PARAMETER["Standard_Parallel_1",41.0333333333333],PARAMETER["Standard_Parallel_2",40.6666666666667],PARAMETER["Latitude_Of_Origin",40.1666666666667],UNIT["US survey foot",0.304800609601219]]"#,
    ),
];

/// The GDAL `.prj` of `code` in [`GDAL_PRJ`].
fn gdal_prj(code: u16) -> &'static str {
    GDAL_PRJ.iter().find(|(c, _)| *c == code).unwrap().1
}

#[test]
fn gdal_prj_files_are_recognised_as_their_epsg_codes() {
    for (code, text) in GDAL_PRJ {
        let system = recognise(text).unwrap_or_else(|e| panic!("EPSG:{code}: {e}"));
        let expected = super::super::epsg::known(code.into()).unwrap();
        assert_eq!(system.crs(), expected, "EPSG:{code} read as {system}");
    }
    assert_eq!(recognise(gdal_prj(4326)).unwrap().crs(), Crs::Wgs84);
    let twd97 = recognise(gdal_prj(3826)).unwrap();
    assert_eq!(twd97.to_string(), "EPSG:3826 (TWD97 / TM2 zone 121)");
    assert_eq!(
        recognise(gdal_prj(4326)).unwrap().to_string(),
        "EPSG:4326 (WGS 84)"
    );
}

#[test]
fn an_epsg_authority_names_the_system() {
    // OGC WKT as QGIS writes it: the registry's own text of EPSG:3826 and EPSG:4326.
    for code in [3826, 4326, 4549] {
        let text = crs_definitions::from_code(code).unwrap().wkt;
        let crs = recognise(text).unwrap().crs();
        assert_eq!(crs, super::super::epsg::known(code.into()).unwrap());
    }
    let unknown =
        r#"GEOGCS["x",DATUM["d",SPHEROID["s",6378137,298.257223563]],AUTHORITY["EPSG","99999"]]"#;
    let error = recognise(unknown).unwrap_err().to_string();
    assert!(error.contains("unknown EPSG code 99999"), "{error}");
}

#[test]
fn a_manifest_system_agrees_when_its_maths_are_the_prj_s() {
    let twd97 = recognise(gdal_prj(3826)).unwrap();
    assert!(twd97.agrees(Crs::Epsg(3826)));
    assert!(!twd97.agrees(Crs::Epsg(4549)));
    assert!(!twd97.agrees(Crs::Wgs84));
    let wgs84 = recognise(gdal_prj(4326)).unwrap();
    for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
        assert!(wgs84.agrees(crs), "{crs}");
    }
    // CGCS2000 is on another ellipsoid than WGS 84 (the flattening differs).
    assert!(!wgs84.agrees(Crs::Epsg(4490)));
    // TWD97 and CGCS2000 longitude/latitude: the same numbers on the same ellipsoid.
    assert!(recognise(gdal_prj(3824)).unwrap().agrees(Crs::Epsg(4490)));
    assert!(!recognise(gdal_prj(4490)).unwrap().agrees(Crs::Gcj02));
}

#[test]
fn unknown_parameters_methods_and_datums_are_errors() {
    // TM2 with a central meridian no EPSG system has.
    let odd = gdal_prj(3826).replace("121.0", "121.3");
    assert_eq!(
        recognise(&odd).unwrap_err(),
        PrjError::Unrecognised("TWD_1997_TM_Taiwan".to_string())
    );
    let krovak = r#"PROJCS["x",GEOGCS["GCS_Bessel",DATUM["D_Bessel",SPHEROID["Bessel",6377397.155,299.1528128]]],PROJECTION["Krovak"],UNIT["Meter",1.0]]"#;
    let error = recognise(krovak).unwrap_err().to_string();
    assert!(
        error.contains("`Krovak` is not one carecircle recognises"),
        "{error}"
    );
    // Beijing 1954 is recognised by its datum; on an unnamed datum the Krassowsky
    // Gauss-Kruger zone is also Pulkovo 1942's, with another shift.
    let unnamed = gdal_prj(2435).replace("D_Beijing_1954", "D_Local");
    match recognise(&unnamed).unwrap_err() {
        PrjError::Ambiguous { candidates, .. } => {
            let list = candidates.join(", ");
            assert!(
                list.contains("EPSG:2435") && list.contains("Pulkovo"),
                "{list}"
            );
        }
        other => panic!("{other}"),
    }
    for (text, expected) in [
        ("", "not a WKT coordinate system"),
        (
            "GEOCCS[\"WGS 84\",DATUM[\"x\",SPHEROID[\"s\",1,2]]]",
            "a GEOCCS system",
        ),
        ("GEOGCS[\"x\",PRIMEM[\"Greenwich\",0]]", "no DATUM"),
    ] {
        let error = recognise(text).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
}

#[test]
fn every_registry_system_is_recognised_as_itself_or_an_equivalent() {
    // The registry's own WKT without its AUTHORITY: matched by its maths, each system
    // comes back as a system that converts alike.
    let mut checked = 0;
    for entry in registry().iter().step_by(7) {
        let text = crs_definitions::from_code(entry.code).unwrap().wkt;
        let stripped = text
            .rsplit_once(",AUTHORITY[")
            .map_or(text.to_string(), |(head, _)| format!("{head}]"));
        match recognise(&stripped) {
            Ok(found) => {
                let chosen = &entry_of(found.crs()).unwrap().system;
                assert!(
                    chosen.same_as(&entry.system) && entry.system.same_as(chosen),
                    "EPSG:{} came back as {found}",
                    entry.code
                );
            }
            Err(PrjError::Ambiguous { .. }) => {}
            Err(e) => panic!("EPSG:{}: {e}", entry.code),
        }
        checked += 1;
    }
    assert!(checked > 700, "{checked}");
}
