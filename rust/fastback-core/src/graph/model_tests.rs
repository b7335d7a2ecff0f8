//! Tests of model files: round trips, and one error per way a file can be
//! wrong, each built by editing the tensors and metadata of a good file.

use std::borrow::Cow;

use super::*;

fn config() -> ModelConfig {
    ModelConfig::new(8, 2, 2, 2)
}

type NamedTensors = Vec<(String, Vec<usize>, Vec<f32>)>;

fn good() -> (NamedTensors, HashMap<String, String>) {
    let model = Model::random(&config(), 7).unwrap();
    (model.named_tensors(), model.config.to_metadata())
}

fn unique_temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("fastback-model-{}-{name}", std::process::id()))
}

#[test]
fn round_trips_through_bytes_and_files() {
    for (seed, config) in [
        (1, config()),
        (2, ModelConfig::new(6, 0, 0, 3)),
        (3, ModelConfig::new(12, 0, 3, 4)),
        (
            4,
            ModelConfig {
                negative_slope: 0.1,
                ln_eps: 1e-6,
                ..ModelConfig::new(4, 3, 0, 1)
            },
        ),
    ] {
        let model = Model::random(&config, seed).unwrap();
        let bytes = model.to_bytes();
        assert_eq!(Model::from_bytes(&bytes).unwrap(), model);
        // Any alignment of the buffer reads (include_bytes! gives none).
        let mut shifted = vec![0u8];
        shifted.extend_from_slice(&bytes);
        assert_eq!(Model::from_bytes(&shifted[1..]).unwrap(), model);
        let path = unique_temp(&format!("{seed}.safetensors"));
        model.save(&path).unwrap();
        let back = Model::load(&path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(back.unwrap(), model);
        assert_eq!(model.config(), &config);
    }
}

#[test]
fn random_models_are_reproducible() {
    assert_eq!(
        Model::random(&config(), 5).unwrap(),
        Model::random(&config(), 5).unwrap()
    );
    assert_ne!(
        Model::random(&config(), 5).unwrap(),
        Model::random(&config(), 6).unwrap()
    );
}

/// A tensor of any dtype, to write files that are wrong on purpose.
struct RawTensor {
    dtype: Dtype,
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl View for RawTensor {
    fn dtype(&self) -> Dtype {
        self.dtype
    }
    fn shape(&self) -> &[usize] {
        &self.shape
    }
    fn data(&self) -> Cow<'_, [u8]> {
        Cow::Borrowed(&self.bytes)
    }
    fn data_len(&self) -> usize {
        self.bytes.len()
    }
}

#[test]
fn each_defect_is_an_error_naming_the_tensor_or_key() {
    type Edit = Box<dyn Fn(&mut NamedTensors, &mut HashMap<String, String>)>;
    let remove =
        |name: &'static str| -> Edit { Box::new(move |t, _| t.retain(|(n, _, _)| n != name)) };
    let set = |key: &'static str, value: &'static str| -> Edit {
        Box::new(move |_, m| {
            m.insert(key.to_string(), value.to_string());
        })
    };
    let unset = |key: &'static str| -> Edit {
        Box::new(move |_, m| {
            m.remove(key);
        })
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, Edit, ModelError, &str)> = vec![
        ("missing tensor", remove("gat.1.att"),
            ModelError::MissingTensor { name: "gat.1.att".into() },
            "missing tensor 'gat.1.att'"),
        ("missing eps", remove("gin.0.eps"),
            ModelError::MissingTensor { name: "gin.0.eps".into() },
            "missing tensor 'gin.0.eps'"),
        ("wrong shape", Box::new(|t, _| {
            let w = t.iter_mut().find(|(n, _, _)| n == "gin.1.mlp1.weight").unwrap();
            w.1 = vec![8, 4];
            w.2.truncate(32);
        }),
            ModelError::WrongShape { name: "gin.1.mlp1.weight".into(), expected: vec![8, 8], found: vec![8, 4] },
            "tensor 'gin.1.mlp1.weight' has shape [8, 4], expected [8, 8]"),
        ("transposed edge weight", Box::new(|t, _| {
            t.iter_mut().find(|(n, _, _)| n == "gat.0.edge.weight").unwrap().1 = vec![3, 8];
        }),
            ModelError::WrongShape { name: "gat.0.edge.weight".into(), expected: vec![8, 3], found: vec![3, 8] },
            "tensor 'gat.0.edge.weight' has shape [3, 8], expected [8, 3]"),
        ("unexpected tensor", Box::new(|t, _| t.push(("gin.2.eps".into(), vec![1], vec![0.0]))),
            ModelError::UnexpectedTensor { name: "gin.2.eps".into() },
            "unexpected tensor 'gin.2.eps'"),
        ("fewer layers declared", set("gat_layers", "1"),
            ModelError::UnexpectedTensor { name: "gat.1.att".into() },
            "unexpected tensor 'gat.1.att'"),
        ("nan", Box::new(|t, _| {
            t.iter_mut().find(|(n, _, _)| n == "head.0.weight").unwrap().2[5] = f32::NAN;
        }),
            ModelError::NonFinite { name: "head.0.weight".into(), index: 5 },
            "tensor 'head.0.weight' has a NaN or infinite value at flat index 5"),
        ("wrong format", set("format", "neuroback"),
            ModelError::Metadata { key: "format".into(), message: "is 'neuroback', expected 'fastback-neuroback'".into() },
            "metadata 'format' is 'neuroback', expected 'fastback-neuroback'"),
        ("wrong version", set("version", "2"),
            ModelError::Metadata { key: "version".into(), message: "is '2', expected '1'".into() },
            "metadata 'version' is '2'"),
        ("missing key", unset("ln_eps"),
            ModelError::Metadata { key: "ln_eps".into(), message: "is missing".into() },
            "metadata 'ln_eps' is missing"),
        ("not an integer", set("hidden", "eight"),
            ModelError::Metadata { key: "hidden".into(), message: "'eight' is not a non-negative integer".into() },
            "metadata 'hidden' 'eight' is not a non-negative integer"),
        ("not a number", set("negative_slope", "steep"),
            ModelError::Metadata { key: "negative_slope".into(), message: "'steep' is not a number".into() },
            "metadata 'negative_slope' 'steep'"),
        ("heads do not divide", set("heads", "3"),
            ModelError::Metadata { key: "heads".into(), message: "3 does not divide hidden 8".into() },
            "metadata 'heads' 3 does not divide hidden 8"),
        ("other features", set("features", "7"),
            ModelError::Metadata { key: "features".into(), message: "is 7, but the graph encoding has 6 node features".into() },
            "metadata 'features' is 7"),
        ("other edge types", set("edge_types", "2"),
            ModelError::Metadata { key: "edge_types".into(), message: "is 2, but the graph encoding has 3 edge types".into() },
            "metadata 'edge_types' is 2"),
        ("negative epsilon", set("ln_eps", "-1"),
            ModelError::Metadata { key: "ln_eps".into(), message: "must be finite and at least 0".into() },
            "metadata 'ln_eps' must be finite"),
        ("no metadata", Box::new(|_, m| m.clear()),
            ModelError::Metadata { key: "format".into(), message: "is missing".into() },
            "metadata 'format' is missing"),
    ];
    for (name, edit, error, message) in cases {
        let (mut tensors, mut metadata) = good();
        edit(&mut tensors, &mut metadata);
        let bytes = serialize_tensors(tensors, &metadata);
        let err = Model::from_bytes(&bytes).unwrap_err();
        assert_eq!(err, error, "{name}");
        assert!(err.to_string().starts_with(message), "{name}: {err}");
    }
}

#[test]
fn unknown_metadata_keys_are_ignored() {
    let (tensors, mut metadata) = good();
    metadata.insert("trained_on".into(), "sat-comp 2023".into());
    metadata.insert("hidden_comment".into(), "x".into());
    assert!(Model::from_bytes(&serialize_tensors(tensors, &metadata)).is_ok());
}

#[test]
fn a_file_without_metadata_is_refused_by_name() {
    let (tensors, _) = good();
    let views: Vec<(String, RawTensor)> = tensors
        .into_iter()
        .map(|(name, shape, values)| {
            let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
            (
                name,
                RawTensor {
                    dtype: Dtype::F32,
                    shape,
                    bytes,
                },
            )
        })
        .collect();
    let bytes = safetensors::serialize(views, &None).unwrap();
    let err = Model::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        err.to_string(),
        "metadata '__metadata__' is missing; a fastback-neuroback model file has its configuration there"
    );
}

#[test]
fn a_tensor_of_another_dtype_is_refused_by_name() {
    let (tensors, metadata) = good();
    let views: Vec<(String, RawTensor)> = tensors
        .into_iter()
        .map(|(name, shape, values)| {
            if name == "gin.0.eps" {
                let bytes = f64::from(values[0]).to_le_bytes().to_vec();
                (
                    name,
                    RawTensor {
                        dtype: Dtype::F64,
                        shape,
                        bytes,
                    },
                )
            } else {
                let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
                (
                    name,
                    RawTensor {
                        dtype: Dtype::F32,
                        shape,
                        bytes,
                    },
                )
            }
        })
        .collect();
    let bytes = safetensors::serialize(views, &Some(metadata)).unwrap();
    let err = Model::from_bytes(&bytes).unwrap_err();
    assert_eq!(
        err,
        ModelError::WrongDtype {
            name: "gin.0.eps".into(),
            dtype: "F64".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "tensor 'gin.0.eps' has dtype F64, expected F32"
    );
}

#[test]
fn bytes_that_are_not_safetensors_are_refused() {
    let good = Model::random(&config(), 1).unwrap().to_bytes();
    for (name, bytes) in [
        ("empty", Vec::new()),
        ("text", b"p cnf 3 1\n1 2 3 0\n".to_vec()),
        ("truncated", good[..good.len() - 4].to_vec()),
        ("header only", good[..100].to_vec()),
        ("huge header length", {
            let mut b = good.clone();
            b[..8].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        }),
    ] {
        let err = Model::from_bytes(&bytes).unwrap_err();
        assert!(
            matches!(err, ModelError::NotSafetensors { .. }),
            "{name}: {err:?}"
        );
        assert!(
            err.to_string().starts_with("not a safetensors file: "),
            "{name}"
        );
    }
}

#[test]
fn load_names_the_path() {
    let missing = unique_temp("missing.safetensors");
    let err = Model::load(&missing).unwrap_err();
    match &err {
        ModelError::File { path, error } => {
            assert_eq!(path, &missing.display().to_string());
            assert!(matches!(**error, ModelError::Io { .. }), "{error:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with(&format!("{}: cannot read: ", missing.display())));

    let (mut tensors, metadata) = good();
    tensors.retain(|(n, _, _)| n != "head.1.bias");
    let path = unique_temp("broken.safetensors");
    std::fs::write(&path, serialize_tensors(tensors, &metadata)).unwrap();
    let err = Model::load(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        err.to_string(),
        format!("{}: missing tensor 'head.1.bias'", path.display())
    );
}

#[test]
fn random_refuses_an_invalid_config() {
    let err = Model::random(&ModelConfig::new(0, 1, 1, 1), 0).unwrap_err();
    assert!(matches!(err, ModelError::Metadata { ref key, .. } if key == "hidden"));
    let err = Model::random(&ModelConfig::new(10, 1, 1, 4), 0).unwrap_err();
    assert!(matches!(err, ModelError::Metadata { ref key, .. } if key == "heads"));
}
