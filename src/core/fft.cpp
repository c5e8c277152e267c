#include "fft.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace redline {

bool is_power_of_two(std::size_t n)
{
    return n > 0 && (n & (n - 1)) == 0;
}

namespace {

/// e^{∓2πik/n} for k < n/2: the twiddle factors of every pass (pass `len` uses every (n/len)-th),
/// each from cos/sin of its own angle rather than by repeated multiplication, so that they do not
/// drift.
std::vector<Complex> twiddles(std::size_t n, bool inverse)
{
    std::vector<Complex> w(n / 2);
    const double sign = inverse ? 1.0 : -1.0;
    for (std::size_t k = 0; k < w.size(); ++k)
        w[k] = std::polar(1.0, sign * 2.0 * M_PI * double(k) / double(n));
    return w;
}

void transform(Complex* data, std::size_t n, const std::vector<Complex>& w, bool inverse)
{
    // Bit-reversal permutation, then log2(n) passes of butterflies.
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j)
            std::swap(data[i], data[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t half = len / 2, stride = n / len;
        for (std::size_t start = 0; start < n; start += len)
            for (std::size_t k = 0; k < half; ++k) {
                const Complex u = data[start + k];
                const Complex v = multiply(data[start + k + half], w[k * stride]);
                data[start + k] = u + v;
                data[start + k + half] = u - v;
            }
    }
    if (inverse) {
        const double scale = 1.0 / double(n);
        for (std::size_t i = 0; i < n; ++i)
            data[i] *= scale;
    }
}

void check_size(std::size_t n)
{
    if (!is_power_of_two(n))
        throw std::invalid_argument("fft: size " + std::to_string(n) + " is not a power of two");
}

} // namespace

void fft(std::vector<Complex>& data, bool inverse)
{
    check_size(data.size());
    transform(data.data(), data.size(), twiddles(data.size(), inverse), inverse);
}

void fft_2d(std::vector<Complex>& data, int rows, int cols, bool inverse)
{
    if (rows <= 0 || cols <= 0 || data.size() != std::size_t(rows) * std::size_t(cols))
        throw std::invalid_argument("fft_2d: the array is not rows × cols");
    check_size(std::size_t(rows));
    check_size(std::size_t(cols));
    const std::vector<Complex> w_cols = twiddles(std::size_t(cols), inverse), w_rows = twiddles(std::size_t(rows), inverse);
    for (int r = 0; r < rows; ++r)
        transform(data.data() + std::size_t(r) * std::size_t(cols), std::size_t(cols), w_cols, inverse);
    std::vector<Complex> line(static_cast<std::size_t>(rows));
    for (int c = 0; c < cols; ++c) {
        for (int r = 0; r < rows; ++r)
            line[std::size_t(r)] = data[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
        transform(line.data(), line.size(), w_rows, inverse);
        for (int r = 0; r < rows; ++r)
            data[std::size_t(r) * std::size_t(cols) + std::size_t(c)] = line[std::size_t(r)];
    }
}

} // namespace redline
