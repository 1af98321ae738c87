//! Clusters of users by k-prototypes (Huang 1998) on chosen columns, k chosen by silhouette.
//!
//! # Method
//! - Numeric, date and yes/no columns are z-scored (missing values become the mean, 0); categorical
//!   columns compare by simple matching (missing is a value of its own). The dissimilarity of a user to a
//!   prototype is Σ (x − c)² over numeric columns + γ × the number of categorical mismatches, with γ the
//!   mean standard deviation of the z-scored numeric columns (1, or less when a column is constant; 1
//!   without numeric columns), as Huang suggests.
//! - Prototypes are fitted on a sample of at most `sample` users drawn with a fixed seed (`SplitMix64`), for
//!   every k from `k_min` to `k_max`: k-means++-style seeding, then at most 50 rounds of assigning users
//!   and moving each prototype to its members' means and modes. The mean silhouette over the whole sample
//!   (with the same dissimilarity) picks k; ties go to the smaller k. Every user is then assigned
//!   to the nearest prototype. The same files and options give the same clusters.
//! - Each cluster is described by what distinguishes it from everyone else
//!   ([`crate::compare::distinguish`] on the chosen columns). A cluster is a [`Bitset`]; it has no
//!   readable definition.

use super::{ModelError, Rng, numeric, resolve};
use crate::bitset::Bitset;
use crate::compare::{self, Finding, Group};
use crate::dataset::Dataset;
use crate::table::{Code as _, Column, ColumnData, Table};
use crate::with_codes;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterOptions {
    /// Columns or measures to cluster on.
    pub columns: Vec<String>,
    /// The smallest and largest k tried (2 and 8 by default).
    pub k_min: usize,
    pub k_max: usize,
    /// At most this many users fit the prototypes.
    pub sample: usize,
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            columns: Vec::new(),
            k_min: 2,
            k_max: 8,
            sample: 5_000,
            seed: 42,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KChoice {
    pub k: usize,
    pub silhouette: f64,
    /// Total dissimilarity of the sample to its prototypes.
    pub cost: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub size: usize,
    pub members: Bitset,
    /// The prototype: per column, the mean (in the column's units) or the most common value.
    pub prototype: Vec<(String, String)>,
    /// What sets it apart from everyone else, largest effect first (at most 5).
    pub distinguishing: Vec<Finding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clustering {
    pub k: usize,
    pub gamma: f64,
    pub sample_size: usize,
    pub choices: Vec<KChoice>,
    pub clusters: Vec<Cluster>,
}

struct Space {
    /// z-scored numeric columns.
    numeric: Vec<Vec<f64>>,
    means: Vec<f64>,
    sds: Vec<f64>,
    /// Category codes (`u32::MAX` = missing).
    categorical: Vec<Vec<u32>>,
    labels: Vec<Vec<String>>,
    gamma: f64,
}

#[derive(Clone)]
struct Prototype {
    numeric: Vec<f64>,
    categorical: Vec<u32>,
}

impl Space {
    /// The same space over `rows` only, renumbered from 0.
    fn gather(&self, rows: &[usize]) -> Space {
        Space {
            numeric: self
                .numeric
                .iter()
                .map(|c| rows.iter().map(|&r| c[r]).collect())
                .collect(),
            means: self.means.clone(),
            sds: self.sds.clone(),
            categorical: self
                .categorical
                .iter()
                .map(|c| rows.iter().map(|&r| c[r]).collect())
                .collect(),
            labels: Vec::new(),
            gamma: self.gamma,
        }
    }

    fn to_proto(&self, row: usize, p: &Prototype) -> f64 {
        let mut d = 0.0;
        for (col, &c) in self.numeric.iter().zip(&p.numeric) {
            let x = col[row] - c;
            d += x * x;
        }
        let mismatches = self
            .categorical
            .iter()
            .zip(&p.categorical)
            .filter(|&(col, &c)| col[row] != c)
            .count();
        d + self.gamma * mismatches as f64
    }

    fn between(&self, a: usize, b: usize) -> f64 {
        let mut d = 0.0;
        for col in &self.numeric {
            let x = col[a] - col[b];
            d += x * x;
        }
        let mismatches = self
            .categorical
            .iter()
            .filter(|col| col[a] != col[b])
            .count();
        d + self.gamma * mismatches as f64
    }

    fn prototype_of(&self, row: usize) -> Prototype {
        Prototype {
            numeric: self.numeric.iter().map(|c| c[row]).collect(),
            categorical: self.categorical.iter().map(|c| c[row]).collect(),
        }
    }

    fn nearest(&self, row: usize, protos: &[Prototype]) -> (usize, f64) {
        let mut best = (0, f64::INFINITY);
        for (k, p) in protos.iter().enumerate() {
            let d = self.to_proto(row, p);
            if d < best.1 {
                best = (k, d);
            }
        }
        best
    }
}

/// Clusters the users; `progress` gets the share done and returns false to cancel.
pub fn cluster(
    dataset: &Dataset,
    options: &ClusterOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Clustering, ModelError> {
    let users = dataset.users();
    if options.columns.is_empty() {
        return Err(ModelError::NoColumns);
    }
    let columns: Vec<Column> = options
        .columns
        .iter()
        .map(|n| resolve(dataset, n))
        .collect::<Result<_, _>>()?;
    let space = build_space(&columns);
    let k_min = options.k_min.max(2);
    let k_max = options.k_max.max(k_min);
    if users < k_min * 2 {
        return Err(ModelError::TooFew {
            what: "clustering".to_owned(),
            needed: k_min * 2,
            found: users,
        });
    }
    let mut rng = Rng::new(options.seed);
    let mut rows: Vec<usize> = (0..users).collect();
    let take = options
        .sample
        .clamp(k_min * 2, users.max(k_min * 2))
        .min(users);
    for i in 0..take {
        let j = i + rng.below(users - i);
        rows.swap(i, j);
    }
    rows.truncate(take);
    let ks: Vec<usize> = (k_min..=k_max).filter(|&k| k < rows.len()).collect();
    // The sample's values gathered into short columns, so that the pairwise passes stay in cache.
    let sample = space.gather(&rows);
    let sample_rows: Vec<usize> = (0..rows.len()).collect();
    // Fitting is the first half of the work, the silhouettes the second.
    let mut fits = Vec::with_capacity(ks.len());
    for (step, &k) in ks.iter().enumerate() {
        if !progress(0.5 * step as f64 / ks.len() as f64) {
            return Err(ModelError::Cancelled);
        }
        fits.push(fit(&sample, &sample_rows, k, &mut rng));
    }
    let assignments: Vec<&[usize]> = fits.iter().map(|f| f.1.as_slice()).collect();
    let silhouettes = silhouettes(&sample, &sample_rows, &ks, &assignments, progress)?;
    let mut choices = Vec::with_capacity(ks.len());
    let mut prototypes = Vec::with_capacity(ks.len());
    for ((&k, (protos, _, cost)), silhouette) in ks.iter().zip(fits).zip(silhouettes) {
        choices.push(KChoice {
            k,
            silhouette,
            cost,
        });
        prototypes.push(protos);
    }
    let fits = prototypes;
    let Some(best) = (0..choices.len()).max_by(|&a, &b| {
        choices[a]
            .silhouette
            .total_cmp(&choices[b].silhouette)
            .then(b.cmp(&a))
    }) else {
        return Err(ModelError::TooFew {
            what: "clustering".to_owned(),
            needed: k_min + 1,
            found: rows.len(),
        });
    };
    let protos = &fits[best];
    let k = choices[best].k;
    let mut members = vec![Bitset::new(users); k];
    for row in 0..users {
        members[space.nearest(row, protos).0].set(row, true);
    }
    let table = Table::new(columns.clone()).unwrap_or_default();
    let clusters = members
        .into_iter()
        .enumerate()
        .map(|(i, set)| {
            let rest = set.not();
            let name = format!("Cluster {}", i + 1);
            let distinguishing = compare::distinguish(
                &table,
                &Group {
                    name: name.clone(),
                    color: String::new(),
                    members: &set,
                },
                &Group {
                    name: "everyone else".to_owned(),
                    color: String::new(),
                    members: &rest,
                },
            )
            .map(|mut f| {
                f.truncate(5);
                f
            })
            .unwrap_or_default();
            Cluster {
                name,
                size: set.count(),
                prototype: describe_prototype(&space, &columns, &protos[i]),
                members: set,
                distinguishing,
            }
        })
        .collect();
    progress(1.0);
    Ok(Clustering {
        k,
        gamma: space.gamma,
        sample_size: rows.len(),
        choices,
        clusters,
    })
}

fn build_space(columns: &[Column]) -> Space {
    let mut space = Space {
        numeric: Vec::new(),
        means: Vec::new(),
        sds: Vec::new(),
        categorical: Vec::new(),
        labels: Vec::new(),
        gamma: 1.0,
    };
    for column in columns {
        if let ColumnData::Dictionary(d) = column.data() {
            let valid = column.valid();
            space.categorical.push(with_codes!(&d.codes, |codes| codes
                .iter()
                .enumerate()
                .map(|(r, &c)| if valid.get(r) { c.to_u32() } else { u32::MAX })
                .collect()));
            space
                .labels
                .push(d.values.iter().map(str::to_owned).collect());
            continue;
        }
        let Some(values) = numeric(column) else {
            continue;
        };
        let known: Vec<f64> = values.valid.iter().map(|r| values.values[r]).collect();
        let n = known.len().max(1) as f64;
        let mean = known.iter().sum::<f64>() / n;
        let var = known.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
        let sd = var.sqrt();
        let z = (0..values.values.len())
            .map(|r| {
                if values.valid.get(r) && sd > 0.0 {
                    (values.values[r] - mean) / sd
                } else {
                    0.0
                }
            })
            .collect();
        space.numeric.push(z);
        space.means.push(mean);
        space.sds.push(sd);
    }
    if !space.numeric.is_empty() {
        let nonconstant = space.sds.iter().filter(|&&s| s > 0.0).count();
        space.gamma = nonconstant as f64 / space.numeric.len() as f64;
    }
    space
}

fn fit(
    space: &Space,
    rows: &[usize],
    k: usize,
    rng: &mut Rng,
) -> (Vec<Prototype>, Vec<usize>, f64) {
    // k-means++ seeding: each next prototype drawn with probability proportional to its dissimilarity.
    let mut protos = vec![space.prototype_of(rows[rng.below(rows.len())])];
    let mut nearest: Vec<f64> = rows
        .iter()
        .map(|&r| space.to_proto(r, &protos[0]))
        .collect();
    while protos.len() < k {
        let total: f64 = nearest.iter().sum();
        let pick = if total > 0.0 {
            let mut target = rng.unit() * total;
            let mut chosen = rows.len() - 1;
            for (i, &d) in nearest.iter().enumerate() {
                target -= d;
                if target <= 0.0 {
                    chosen = i;
                    break;
                }
            }
            chosen
        } else {
            rng.below(rows.len())
        };
        let p = space.prototype_of(rows[pick]);
        for (i, &r) in rows.iter().enumerate() {
            nearest[i] = nearest[i].min(space.to_proto(r, &p));
        }
        protos.push(p);
    }
    let mut assignment = vec![usize::MAX; rows.len()];
    let mut cost = 0.0;
    for _ in 0..50 {
        let mut changed = false;
        cost = 0.0;
        for (i, &r) in rows.iter().enumerate() {
            let (c, d) = space.nearest(r, &protos);
            cost += d;
            if assignment[i] != c {
                assignment[i] = c;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        for (c, proto) in protos.iter_mut().enumerate() {
            let members: Vec<usize> = (0..rows.len()).filter(|&i| assignment[i] == c).collect();
            if members.is_empty() {
                continue;
            }
            for (j, col) in space.numeric.iter().enumerate() {
                proto.numeric[j] =
                    members.iter().map(|&i| col[rows[i]]).sum::<f64>() / members.len() as f64;
            }
            for (j, col) in space.categorical.iter().enumerate() {
                let mut counts: Vec<(u32, usize)> = Vec::new();
                for &i in &members {
                    let v = col[rows[i]];
                    match counts.iter_mut().find(|(c, _)| *c == v) {
                        Some(entry) => entry.1 += 1,
                        None => counts.push((v, 1)),
                    }
                }
                // The most common value; ties to the smaller code, so the result is deterministic.
                crate::sorting::sort_by(&mut counts, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                proto.categorical[j] = counts[0].0;
            }
        }
    }
    (protos, assignment, cost)
}

/// The mean silhouette of the sample under each k's assignment. Dissimilarities do not depend on k, so
/// one pass over the pairs of the sample adds each pair's dissimilarity to both rows' per-cluster sums
/// for every k at once; a row alone in its cluster scores 0.
fn silhouettes(
    space: &Space,
    rows: &[usize],
    ks: &[usize],
    assignments: &[&[usize]],
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Vec<f64>, ModelError> {
    let n = rows.len();
    let offsets: Vec<usize> = ks
        .iter()
        .scan(0, |acc, &k| {
            let start = *acc;
            *acc += k;
            Some(start)
        })
        .collect();
    let width: usize = ks.iter().sum();
    let mut sums = vec![0f64; n * width];
    for i in 0..n {
        if i % 256 == 0
            && !progress(0.5 + 0.5 * (i as f64 / n as f64) * (2.0 - i as f64 / n as f64))
        {
            return Err(ModelError::Cancelled);
        }
        for j in i + 1..n {
            let d = space.between(rows[i], rows[j]);
            for (a, &offset) in assignments.iter().zip(&offsets) {
                sums[i * width + offset + a[j]] += d;
                sums[j * width + offset + a[i]] += d;
            }
        }
    }
    let mut out = Vec::with_capacity(ks.len());
    for ((&k, a), &offset) in ks.iter().zip(assignments).zip(&offsets) {
        let mut counts = vec![0usize; k];
        for &c in *a {
            counts[c] += 1;
        }
        let mut total = 0.0;
        for i in 0..n {
            let own = a[i];
            if counts[own] <= 1 {
                continue;
            }
            let row = &sums[i * width + offset..i * width + offset + k];
            let within = row[own] / (counts[own] - 1) as f64;
            let nearest = (0..k)
                .filter(|&c| c != own && counts[c] > 0)
                .map(|c| row[c] / counts[c] as f64)
                .fold(f64::INFINITY, f64::min);
            if nearest.is_finite() && within.max(nearest) > 0.0 {
                total += (nearest - within) / within.max(nearest);
            }
        }
        out.push(total / n as f64);
    }
    Ok(out)
}

fn describe_prototype(
    space: &Space,
    columns: &[Column],
    proto: &Prototype,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut n, mut c) = (0, 0);
    for column in columns {
        if matches!(column.data(), ColumnData::Dictionary(_)) {
            let code = proto.categorical[c];
            let label = space.labels[c]
                .get(code as usize)
                .cloned()
                .unwrap_or_else(|| "(empty)".to_owned());
            out.push((column.name().to_owned(), label));
            c += 1;
        } else if n < space.numeric.len() && !matches!(column.data(), ColumnData::Strings(_)) {
            let value = space.means[n] + proto.numeric[n] * space.sds[n];
            out.push((column.name().to_owned(), format!("{value:.2}")));
            n += 1;
        }
    }
    out
}
