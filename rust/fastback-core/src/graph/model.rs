//! The NeuroBack network's configuration and weights, read from a
//! safetensors file that the PyTorch implementation exports.
//!
//! Why safetensors: it is PyTorch's interchange format that cannot execute
//! code on load (unlike pickle), it is a JSON header plus raw little-endian
//! arrays, and the Hugging Face crate reads it without a PyTorch dependency.
//! Loading checks everything a forward pass relies on, so that the pass itself
//! cannot fail on a bad file: the metadata, the presence, dtype, shape and
//! finiteness of every tensor, and that no tensor is left unused (an unused
//! tensor means the file and the metadata disagree on the architecture).
//!
//! # The file
//!
//! `__metadata__` (string values; unknown keys are ignored): `format` =
//! `fastback-neuroback`, `version` = `1`, `hidden` (H), `features` (F, must be
//! [`NUM_FEATURES`]), `edge_types` (T, must be [`NUM_EDGE_TYPES`]),
//! `gin_layers` (G), `gat_layers` (A), `heads` (K, dividing H; C = H / K),
//! `negative_slope`, `ln_eps`.
//!
//! Tensors, all `F32`. A Linear layer stores `weight` `[out, in]` and `bias`
//! `[out]` and computes `y = x·Wᵀ + b`, as torch does.
//! - `input.weight` `[H, F]`, `input.bias` `[H]`: `h = Linear(x)`.
//! - For `l` in `0..G`, a GINE layer (PyG `GINEConv` with `edge_dim`, `eps`
//!   fixed): `gin.{l}.edge.weight` `[H, T]`, `gin.{l}.edge.bias` `[H]`,
//!   `gin.{l}.eps` `[1]`, `gin.{l}.mlp1.weight` `[H, H]`, `gin.{l}.mlp1.bias`
//!   `[H]`, `gin.{l}.mlp2.weight` `[H, H]`, `gin.{l}.mlp2.bias` `[H]`,
//!   `gin.{l}.norm.weight` `[H]`, `gin.{l}.norm.bias` `[H]`:
//!   - `e(t) = edge.weight[:, t] + edge.bias` (the Linear of a one-hot type);
//!   - `m_i = Σ_{j→i of type t} ReLU(h_j + e(t))`;
//!   - `z_i = mlp2(ReLU(mlp1((1 + eps)·h_i + m_i)))`;
//!   - `h_i ← LayerNorm(h_i + ReLU(z_i))` with the layer's `norm`.
//! - For `l` in `0..A`, a GATv2 layer (PyG `GATv2Conv(H, C, heads=K,
//!   edge_dim=T, add_self_loops=False, share_weights=False, concat=True)`):
//!   `gat.{l}.lin_src.weight` `[H, H]`, `gat.{l}.lin_src.bias` `[H]`,
//!   `gat.{l}.lin_dst.weight` `[H, H]`, `gat.{l}.lin_dst.bias` `[H]`,
//!   `gat.{l}.edge.weight` `[H, T]` (no bias), `gat.{l}.att` `[K, C]`,
//!   `gat.{l}.bias` `[H]`, `gat.{l}.norm.weight` `[H]`, `gat.{l}.norm.bias` `[H]`:
//!   - `xs = lin_src(h)`, `xd = lin_dst(h)`; head `k` is columns `k·C..(k+1)·C`;
//!   - for an edge `j→i` of type `t`: `s = LeakyReLU(xs_j + xd_i +
//!     edge.weight[:, t], negative_slope)`, `score_k = Σ_c s[k·C + c]·att[k, c]`;
//!   - `α` = per-head softmax of the scores over the edges into `i` (the
//!     maximum subtracted first);
//!   - `out_i[k·C + c] = Σ_j α_jk·xs_j[k·C + c] + bias` (just `bias` for a node
//!     without incoming edges);
//!   - `h_i ← LayerNorm(h_i + ReLU(out_i))` with the layer's `norm`.
//! - `head.0.weight` `[H, H]`, `head.0.bias` `[H]`, `head.1.weight` `[1, H]`,
//!   `head.1.bias` `[1]`: `logit_v = head.1(ReLU(head.0(h_v)))` for the
//!   variable nodes; `P(v = true) = sigmoid(logit_v)`.
//!
//! LayerNorm is over the H features of a node: `(v − mean) / sqrt(var + ln_eps)
//! · weight + bias`, with the population (biased) variance.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use safetensors::tensor::{Dtype, Metadata, SafeTensors, View};

use super::{NUM_EDGE_TYPES, NUM_FEATURES};

/// The value of `__metadata__["format"]` this crate reads and writes.
pub const FORMAT: &str = "fastback-neuroback";
/// The value of `__metadata__["version"]` this crate reads and writes.
pub const VERSION: &str = "1";

/// The architecture, from the file's `__metadata__`.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelConfig {
    /// H, the width of every node's hidden vector.
    pub hidden: usize,
    /// F, the node features; must be [`NUM_FEATURES`].
    pub features: usize,
    /// T, the edge types; must be [`NUM_EDGE_TYPES`].
    pub edge_types: usize,
    /// G, the number of GINE layers.
    pub gin_layers: usize,
    /// A, the number of GATv2 layers.
    pub gat_layers: usize,
    /// K, the attention heads of a GATv2 layer; divides `hidden`.
    pub heads: usize,
    /// The slope of the GATv2 LeakyReLU for negative inputs.
    pub negative_slope: f32,
    /// The epsilon added to the variance in LayerNorm.
    pub ln_eps: f32,
}

impl ModelConfig {
    /// The configuration with the given sizes and the encoding's feature and
    /// edge-type counts, slope 0.2 and LayerNorm epsilon 1e-5 (torch's).
    pub fn new(hidden: usize, gin_layers: usize, gat_layers: usize, heads: usize) -> ModelConfig {
        ModelConfig {
            hidden,
            features: NUM_FEATURES,
            edge_types: NUM_EDGE_TYPES,
            gin_layers,
            gat_layers,
            heads,
            negative_slope: 0.2,
            ln_eps: 1e-5,
        }
    }

    /// C = H / K, the width of one attention head.
    pub fn head_dim(&self) -> usize {
        self.hidden / self.heads.max(1)
    }

    /// Checks what the forward pass relies on: H ≥ 1, K ≥ 1 dividing H,
    /// F and T those of the graph encoding, finite slope, ε ≥ 0.
    pub fn validate(&self) -> Result<(), ModelError> {
        let bad = |key: &str, message: String| {
            Err(ModelError::Metadata {
                key: key.to_string(),
                message,
            })
        };
        if self.hidden == 0 {
            return bad("hidden", "must be at least 1".into());
        }
        if self.hidden.checked_rem(self.heads) != Some(0) {
            return bad(
                "heads",
                format!("{} does not divide hidden {}", self.heads, self.hidden),
            );
        }
        if self.features != NUM_FEATURES {
            return bad(
                "features",
                format!(
                    "is {}, but the graph encoding has {NUM_FEATURES} node features",
                    self.features
                ),
            );
        }
        if self.edge_types != NUM_EDGE_TYPES {
            return bad(
                "edge_types",
                format!(
                    "is {}, but the graph encoding has {NUM_EDGE_TYPES} edge types",
                    self.edge_types
                ),
            );
        }
        if !self.negative_slope.is_finite() {
            return bad("negative_slope", "must be finite".into());
        }
        if !(self.ln_eps.is_finite() && self.ln_eps >= 0.0) {
            return bad("ln_eps", "must be finite and at least 0".into());
        }
        Ok(())
    }

    fn from_metadata(
        metadata: Option<&HashMap<String, String>>,
    ) -> Result<ModelConfig, ModelError> {
        let metadata = metadata.ok_or_else(|| ModelError::Metadata {
            key: "__metadata__".into(),
            message: format!("is missing; a {FORMAT} model file has its configuration there"),
        })?;
        let get = |key: &str| {
            metadata
                .get(key)
                .map(String::as_str)
                .ok_or_else(|| ModelError::Metadata {
                    key: key.into(),
                    message: "is missing".into(),
                })
        };
        for (key, expected) in [("format", FORMAT), ("version", VERSION)] {
            let value = get(key)?;
            if value != expected {
                return Err(ModelError::Metadata {
                    key: key.into(),
                    message: format!("is '{value}', expected '{expected}'"),
                });
            }
        }
        let integer = |key: &str| {
            let value = get(key)?;
            value
                .trim()
                .parse::<usize>()
                .map_err(|_| ModelError::Metadata {
                    key: key.into(),
                    message: format!("'{value}' is not a non-negative integer"),
                })
        };
        let real = |key: &str| {
            let value = get(key)?;
            value
                .trim()
                .parse::<f32>()
                .map_err(|_| ModelError::Metadata {
                    key: key.into(),
                    message: format!("'{value}' is not a number"),
                })
        };
        let config = ModelConfig {
            hidden: integer("hidden")?,
            features: integer("features")?,
            edge_types: integer("edge_types")?,
            gin_layers: integer("gin_layers")?,
            gat_layers: integer("gat_layers")?,
            heads: integer("heads")?,
            negative_slope: real("negative_slope")?,
            ln_eps: real("ln_eps")?,
        };
        config.validate()?;
        Ok(config)
    }

    fn to_metadata(&self) -> HashMap<String, String> {
        [
            ("format", FORMAT.to_string()),
            ("version", VERSION.to_string()),
            ("hidden", self.hidden.to_string()),
            ("features", self.features.to_string()),
            ("edge_types", self.edge_types.to_string()),
            ("gin_layers", self.gin_layers.to_string()),
            ("gat_layers", self.gat_layers.to_string()),
            ("heads", self.heads.to_string()),
            // `{:?}` prints the shortest text that parses back to the same f32.
            ("negative_slope", format!("{:?}", self.negative_slope)),
            ("ln_eps", format!("{:?}", self.ln_eps)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// Why a model could not be loaded. Each names the tensor or metadata key.
#[derive(Clone, Debug, PartialEq)]
pub enum ModelError {
    /// An error in the file at `path` (what [`Model::load`] returns).
    File {
        path: String,
        error: Box<ModelError>,
    },
    /// The file could not be read.
    Io {
        message: String,
    },
    /// The bytes are not a safetensors file.
    NotSafetensors {
        message: String,
    },
    /// A configuration key is missing or has a bad value.
    Metadata {
        key: String,
        message: String,
    },
    MissingTensor {
        name: String,
    },
    WrongDtype {
        name: String,
        dtype: String,
    },
    WrongShape {
        name: String,
        expected: Vec<usize>,
        found: Vec<usize>,
    },
    /// A NaN or infinite value at the given flat index.
    NonFinite {
        name: String,
        index: usize,
    },
    /// A tensor that the configuration has no use for.
    UnexpectedTensor {
        name: String,
    },
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::File { path, error } => write!(f, "{path}: {error}"),
            ModelError::Io { message } => write!(f, "cannot read: {message}"),
            ModelError::NotSafetensors { message } => {
                write!(f, "not a safetensors file: {message}")
            }
            ModelError::Metadata { key, message } => write!(f, "metadata '{key}' {message}"),
            ModelError::MissingTensor { name } => write!(f, "missing tensor '{name}'"),
            ModelError::WrongDtype { name, dtype } => {
                write!(f, "tensor '{name}' has dtype {dtype}, expected F32")
            }
            ModelError::WrongShape {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor '{name}' has shape {found:?}, expected {expected:?}"
            ),
            ModelError::NonFinite { name, index } => {
                write!(
                    f,
                    "tensor '{name}' has a NaN or infinite value at flat index {index}"
                )
            }
            ModelError::UnexpectedTensor { name } => write!(
                f,
                "unexpected tensor '{name}': the metadata's architecture has no use for it"
            ),
        }
    }
}

impl std::error::Error for ModelError {}

/// A dense layer `y = x·Wᵀ + b`, `weight` row-major `[outputs, inputs]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Linear {
    pub(crate) weight: Vec<f32>,
    /// `Wᵀ`, row-major `[inputs, outputs]`, so that the matrix product,
    /// which packs its right operand for every chunk of rows, reads it
    /// contiguously instead of with a stride.
    pub(crate) weight_t: Vec<f32>,
    pub(crate) bias: Vec<f32>,
    pub(crate) inputs: usize,
    pub(crate) outputs: usize,
}

impl Linear {
    /// Requires `weight.len() == outputs * inputs` and `bias.len() == outputs`.
    pub(crate) fn new(weight: Vec<f32>, bias: Vec<f32>, inputs: usize, outputs: usize) -> Linear {
        debug_assert!(weight.len() == outputs * inputs && bias.len() == outputs);
        let mut weight_t = vec![0f32; weight.len()];
        for o in 0..outputs {
            for i in 0..inputs {
                weight_t[i * outputs + o] = weight[o * inputs + i];
            }
        }
        Linear {
            weight,
            weight_t,
            bias,
            inputs,
            outputs,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LayerNorm {
    pub(crate) weight: Vec<f32>,
    pub(crate) bias: Vec<f32>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GinLayer {
    /// `[H, T]`, as stored.
    pub(crate) edge_weight: Vec<f32>,
    pub(crate) edge_bias: Vec<f32>,
    pub(crate) eps: f32,
    pub(crate) mlp1: Linear,
    pub(crate) mlp2: Linear,
    pub(crate) norm: LayerNorm,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GatLayer {
    pub(crate) lin_src: Linear,
    pub(crate) lin_dst: Linear,
    /// `[H, T]`, as stored.
    pub(crate) edge_weight: Vec<f32>,
    /// `[K, C]`, i.e. one weight per hidden column.
    pub(crate) att: Vec<f32>,
    pub(crate) bias: Vec<f32>,
    pub(crate) norm: LayerNorm,
}

/// The weights of a NeuroBack network, validated against its configuration.
/// Run it with [`Model::logits`] or [`Model::predict`].
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub(crate) config: ModelConfig,
    pub(crate) input: Linear,
    pub(crate) gin: Vec<GinLayer>,
    pub(crate) gat: Vec<GatLayer>,
    pub(crate) head0: Linear,
    pub(crate) head1: Linear,
}

/// Reads checked tensors out of a parsed file and remembers which were used.
struct TensorReader<'a> {
    metadata: Metadata,
    data: &'a [u8],
    used: HashSet<String>,
}

impl TensorReader<'_> {
    fn take(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, ModelError> {
        let info = self
            .metadata
            .info(name)
            .ok_or_else(|| ModelError::MissingTensor {
                name: name.to_string(),
            })?;
        if info.dtype != Dtype::F32 {
            return Err(ModelError::WrongDtype {
                name: name.to_string(),
                dtype: format!("{:?}", info.dtype),
            });
        }
        if info.shape != shape {
            return Err(ModelError::WrongShape {
                name: name.to_string(),
                expected: shape.to_vec(),
                found: info.shape.clone(),
            });
        }
        // `read_metadata` checked that the offsets tile the data and match
        // the shapes; `get` keeps that an error rather than a panic anyway.
        let (begin, end) = info.data_offsets;
        let bytes = self
            .data
            .get(begin..end)
            .ok_or_else(|| ModelError::NotSafetensors {
                message: format!("tensor '{name}' lies outside the file"),
            })?;
        // Copied out element by element: the data need not be 4-byte aligned
        // (a file embedded with `include_bytes!` is not).
        let values: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFinite {
                name: name.to_string(),
                index,
            });
        }
        self.used.insert(name.to_string());
        Ok(values)
    }

    fn linear(&mut self, name: &str, inputs: usize, outputs: usize) -> Result<Linear, ModelError> {
        Ok(Linear::new(
            self.take(&format!("{name}.weight"), &[outputs, inputs])?,
            self.take(&format!("{name}.bias"), &[outputs])?,
            inputs,
            outputs,
        ))
    }

    fn norm(&mut self, name: &str, hidden: usize) -> Result<LayerNorm, ModelError> {
        Ok(LayerNorm {
            weight: self.take(&format!("{name}.weight"), &[hidden])?,
            bias: self.take(&format!("{name}.bias"), &[hidden])?,
        })
    }
}

impl Model {
    /// Reads a model file. Errors: [`ModelError::File`] with the path and what
    /// went wrong (see [`Model::from_bytes`]). Cost: reads the whole file.
    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let in_file = |error: ModelError| ModelError::File {
            path: path.display().to_string(),
            error: Box::new(error),
        };
        let bytes = std::fs::read(path).map_err(|e| {
            in_file(ModelError::Io {
                message: e.to_string(),
            })
        })?;
        Model::from_bytes(&bytes).map_err(in_file)
    }

    /// Reads a model from the bytes of a safetensors file (any alignment).
    ///
    /// Errors: not a safetensors file; a missing or bad metadata key (see the
    /// [module](self)); a missing tensor, one that is not F32, has another
    /// shape than the configuration implies, holds a NaN or infinity, or is
    /// not used by the configuration. Each error names the key or tensor.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let (header_len, metadata) =
            SafeTensors::read_metadata(bytes).map_err(|e| ModelError::NotSafetensors {
                message: format!("{e:?}"),
            })?;
        let config = ModelConfig::from_metadata(metadata.metadata().as_ref())?;
        let names: Vec<String> = metadata.tensors().into_keys().collect();
        let mut reader = TensorReader {
            metadata,
            data: &bytes[8 + header_len..],
            used: HashSet::new(),
        };
        let (h, t) = (config.hidden, config.edge_types);
        let input = reader.linear("input", config.features, h)?;
        let mut gin = Vec::with_capacity(config.gin_layers);
        for l in 0..config.gin_layers {
            let eps = reader.take(&format!("gin.{l}.eps"), &[1])?[0];
            gin.push(GinLayer {
                edge_weight: reader.take(&format!("gin.{l}.edge.weight"), &[h, t])?,
                edge_bias: reader.take(&format!("gin.{l}.edge.bias"), &[h])?,
                eps,
                mlp1: reader.linear(&format!("gin.{l}.mlp1"), h, h)?,
                mlp2: reader.linear(&format!("gin.{l}.mlp2"), h, h)?,
                norm: reader.norm(&format!("gin.{l}.norm"), h)?,
            });
        }
        let mut gat = Vec::with_capacity(config.gat_layers);
        for l in 0..config.gat_layers {
            gat.push(GatLayer {
                lin_src: reader.linear(&format!("gat.{l}.lin_src"), h, h)?,
                lin_dst: reader.linear(&format!("gat.{l}.lin_dst"), h, h)?,
                edge_weight: reader.take(&format!("gat.{l}.edge.weight"), &[h, t])?,
                att: reader.take(&format!("gat.{l}.att"), &[config.heads, config.head_dim()])?,
                bias: reader.take(&format!("gat.{l}.bias"), &[h])?,
                norm: reader.norm(&format!("gat.{l}.norm"), h)?,
            });
        }
        let head0 = reader.linear("head.0", h, h)?;
        let head1 = reader.linear("head.1", h, 1)?;
        let mut unused: Vec<&String> = names.iter().filter(|n| !reader.used.contains(*n)).collect();
        unused.sort();
        if let Some(name) = unused.first() {
            return Err(ModelError::UnexpectedTensor {
                name: name.to_string(),
            });
        }
        Ok(Model {
            config,
            input,
            gin,
            gat,
            head0,
            head1,
        })
    }

    /// The architecture.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// A model with pseudo-random weights drawn from `seed` (deterministic,
    /// platform-independent), scaled like torch's default initialisation so
    /// that activations stay of order one. For tests and benchmarks, which
    /// then need no trained file. Errors: an invalid `config`.
    pub fn random(config: &ModelConfig, seed: u64) -> Result<Model, ModelError> {
        config.validate()?;
        let mut rng = SplitMix64(seed);
        let (h, t) = (config.hidden, config.edge_types);
        let linear = |rng: &mut SplitMix64, inputs: usize, outputs: usize| {
            let bound = 1.0 / (inputs as f32).sqrt();
            let weight = rng.uniform_vec(inputs * outputs, -bound, bound);
            let bias = rng.uniform_vec(outputs, -bound, bound);
            Linear::new(weight, bias, inputs, outputs)
        };
        let norm = |rng: &mut SplitMix64| LayerNorm {
            weight: rng.uniform_vec(h, 0.8, 1.2),
            bias: rng.uniform_vec(h, -0.2, 0.2),
        };
        let input = linear(&mut rng, config.features, h);
        let gin = (0..config.gin_layers)
            .map(|_| GinLayer {
                edge_weight: rng.uniform_vec(h * t, -0.5, 0.5),
                edge_bias: rng.uniform_vec(h, -0.5, 0.5),
                eps: rng.uniform(-0.2, 0.5),
                mlp1: linear(&mut rng, h, h),
                mlp2: linear(&mut rng, h, h),
                norm: norm(&mut rng),
            })
            .collect();
        let gat = (0..config.gat_layers)
            .map(|_| {
                let c = config.head_dim() as f32;
                GatLayer {
                    lin_src: linear(&mut rng, h, h),
                    lin_dst: linear(&mut rng, h, h),
                    edge_weight: rng.uniform_vec(h * t, -0.5, 0.5),
                    att: rng.uniform_vec(h, -2.0 / c.sqrt(), 2.0 / c.sqrt()),
                    bias: rng.uniform_vec(h, -0.2, 0.2),
                    norm: norm(&mut rng),
                }
            })
            .collect();
        let head0 = linear(&mut rng, h, h);
        let head1 = linear(&mut rng, h, 1);
        Ok(Model {
            config: config.clone(),
            input,
            gin,
            gat,
            head0,
            head1,
        })
    }

    /// Every tensor with its name and shape, in the file's naming.
    pub(crate) fn named_tensors(&self) -> Vec<(String, Vec<usize>, Vec<f32>)> {
        let (h, t) = (self.config.hidden, self.config.edge_types);
        let mut out = Vec::new();
        let linear = |out: &mut Vec<_>, name: &str, l: &Linear| {
            out.push((
                format!("{name}.weight"),
                vec![l.outputs, l.inputs],
                l.weight.clone(),
            ));
            out.push((format!("{name}.bias"), vec![l.outputs], l.bias.clone()));
        };
        linear(&mut out, "input", &self.input);
        for (l, layer) in self.gin.iter().enumerate() {
            out.push((
                format!("gin.{l}.edge.weight"),
                vec![h, t],
                layer.edge_weight.clone(),
            ));
            out.push((
                format!("gin.{l}.edge.bias"),
                vec![h],
                layer.edge_bias.clone(),
            ));
            out.push((format!("gin.{l}.eps"), vec![1], vec![layer.eps]));
            linear(&mut out, &format!("gin.{l}.mlp1"), &layer.mlp1);
            linear(&mut out, &format!("gin.{l}.mlp2"), &layer.mlp2);
            out.push((
                format!("gin.{l}.norm.weight"),
                vec![h],
                layer.norm.weight.clone(),
            ));
            out.push((
                format!("gin.{l}.norm.bias"),
                vec![h],
                layer.norm.bias.clone(),
            ));
        }
        for (l, layer) in self.gat.iter().enumerate() {
            linear(&mut out, &format!("gat.{l}.lin_src"), &layer.lin_src);
            linear(&mut out, &format!("gat.{l}.lin_dst"), &layer.lin_dst);
            out.push((
                format!("gat.{l}.edge.weight"),
                vec![h, t],
                layer.edge_weight.clone(),
            ));
            let (k, c) = (self.config.heads, self.config.head_dim());
            out.push((format!("gat.{l}.att"), vec![k, c], layer.att.clone()));
            out.push((format!("gat.{l}.bias"), vec![h], layer.bias.clone()));
            out.push((
                format!("gat.{l}.norm.weight"),
                vec![h],
                layer.norm.weight.clone(),
            ));
            out.push((
                format!("gat.{l}.norm.bias"),
                vec![h],
                layer.norm.bias.clone(),
            ));
        }
        linear(&mut out, "head.0", &self.head0);
        linear(&mut out, "head.1", &self.head1);
        out
    }

    /// The model as the bytes of a safetensors file that [`Model::from_bytes`]
    /// reads back to an equal model (and PyTorch's `safetensors.torch.load`
    /// reads as a state dict).
    pub fn to_bytes(&self) -> Vec<u8> {
        serialize_tensors(self.named_tensors(), &self.config.to_metadata())
    }

    /// Writes [`Model::to_bytes`] to `path`.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_bytes())
    }
}

/// An owned F32 tensor for `safetensors::serialize`.
struct F32Tensor {
    shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl View for F32Tensor {
    fn dtype(&self) -> Dtype {
        Dtype::F32
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

/// Serialises F32 tensors and string metadata as a safetensors file.
/// Requires `values.len()` to be the product of each shape.
pub(crate) fn serialize_tensors(
    tensors: Vec<(String, Vec<usize>, Vec<f32>)>,
    metadata: &HashMap<String, String>,
) -> Vec<u8> {
    let views = tensors.into_iter().map(|(name, shape, values)| {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        (name, F32Tensor { shape, bytes })
    });
    safetensors::serialize(views, &Some(metadata.clone()))
        .expect("serialising well-formed F32 tensors and string metadata cannot fail")
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, well-mixed generator,
/// enough for reproducible test weights without a dependency.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn uniform(&mut self, low: f32, high: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        low + (high - low) * unit
    }

    fn uniform_vec(&mut self, len: usize, low: f32, high: f32) -> Vec<f32> {
        (0..len).map(|_| self.uniform(low, high)).collect()
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
