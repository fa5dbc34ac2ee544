// The live page: the current window's top hashtags from /hashtags/top.json, then every change pushed
// over Server-Sent Events by /hashtags/stream (EventSource reconnects by itself). Bars: tweets, coloured
// by mean sentiment; diamonds: the mean sentiment itself on the right axis.
const NEGATIVE = [220, 38, 38];
const NEUTRAL = [148, 163, 184];
const POSITIVE = [22, 163, 74];

/** Mean sentiment in [-1, 1] → a colour between red, grey and green. */
function sentimentColour(sentiment) {
  const toward = sentiment < 0 ? NEGATIVE : POSITIVE;
  const weight = Math.min(1, Math.abs(sentiment) * 2);
  const channel = (index) => Math.round(NEUTRAL[index] + (toward[index] - NEUTRAL[index]) * weight);
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

const chart = new Chart(document.getElementById('chart'), {
  data: {
    labels: [],
    datasets: [
      { type: 'bar', label: 'tweets', data: [], backgroundColor: [], yAxisID: 'count', order: 2 },
      {
        type: 'line',
        label: 'mean sentiment',
        data: [],
        yAxisID: 'sentiment',
        borderColor: 'rgb(30, 41, 59)',
        backgroundColor: 'rgb(30, 41, 59)',
        pointStyle: 'rectRot',
        pointRadius: 6,
        showLine: false,
        order: 1,
      },
    ],
  },
  options: {
    maintainAspectRatio: false,
    animation: { duration: 300 },
    scales: {
      count: {
        type: 'linear',
        position: 'left',
        beginAtZero: true,
        title: { display: true, text: 'tweets' },
      },
      sentiment: {
        type: 'linear',
        position: 'right',
        min: -1,
        max: 1,
        grid: { drawOnChartArea: false },
        title: { display: true, text: 'mean sentiment' },
      },
    },
  },
});

function render(top) {
  const colours = top.top.map((entry) => sentimentColour(entry.sentiment));
  chart.data.labels = top.top.map((entry) => `#${entry.tag}`);
  chart.data.datasets[0].data = top.top.map((entry) => entry.count);
  chart.data.datasets[0].backgroundColor = colours;
  chart.data.datasets[1].data = top.top.map((entry) => entry.sentiment);
  chart.update();
  const state = top.final ? '<span class="final">final</span>' : '<span class="open">still counting</span>';
  document.getElementById('window').innerHTML = `window ${top.windowStart} → ${top.windowEnd} · ${state}`;
  document.body.dataset.windowStart = top.windowStart;
  document.getElementById('status').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

fetch('/hashtags/top.json')
  .then((response) => (response.ok ? response.json() : undefined))
  .then((top) => top && render(top));

const stream = new EventSource('/hashtags/stream');
stream.addEventListener('top', (event) => render(JSON.parse(event.data)));
stream.onerror = () => {
  document.getElementById('status').textContent = 'connection lost; reconnecting…';
};
