// Texts in English and Simplified Chinese, and number, money and time formats for the locale.
const texts = {
  en: {
    skip: 'Skip to content', language: 'Language', theme: 'Light / dark', signout: 'Sign out',
    'signin.title': 'Sign in',
    'signin.help': 'Use the master key (CIYUAN_MASTER_KEY) or an admin token from `ciyuan admins create`. It is sent once; the browser keeps only a session cookie.',
    'signin.secret': 'Master key or admin token', 'signin.submit': 'Sign in', 'signin.failed': 'Sign-in failed',
    'nav.overview': 'Overview', 'nav.share': 'Token share', 'nav.usage': 'Usage', 'nav.elsewhere': 'Cost elsewhere',
    'nav.requests': 'Requests', 'nav.runs': 'Runs', 'nav.budgets': 'Budgets', 'nav.keys': 'Keys',
    'nav.deployments': 'Deployments', 'nav.indoubt': 'In doubt', 'nav.catalog': 'Catalog',
    viewer: 'viewer (read-only)', admin: 'admin', live: 'live', loading: 'Loading…', none: 'Nothing yet.',
    today: 'Today', month: 'This month', spend: 'Spend', requests: 'Requests', errors: 'Errors', error_rate: 'Error rate',
    tokens: 'Tokens', input_uncached: 'Input (uncached)', cache_read: 'Cache read', cache_write: 'Cache write',
    output: 'Output', reasoning: 'Reasoning', total: 'Total', cache_hit_ratio: 'Cache-hit ratio', cache_saved: 'Saved by the cache',
    latency: 'Latency (last hour)', p50: 'p50', p95: 'p95', ttft: 'Time to first token', last24h: 'last 24 hours, hourly',
    budgets_against: 'Budgets', scope: 'Scope', subject: 'Subject', model: 'Model', period: 'Period', limit: 'Limit', spent: 'Spent',
    held: 'Held', remaining: 'Remaining', window: 'Window', source: 'Source', currency: 'Currency', actions: 'Actions',
    estimated: 'estimated', unpriced: 'unpriced', suspect: 'suspect',
    'share.title': 'Token share', 'share.by': 'Group by', 'share.window': 'Window', 'share.metric': 'Show',
    'share.model': 'Model', 'share.provider': 'Provider', 'share.family': 'Model family', 'share.jurisdiction': 'Jurisdiction',
    'share.tokens': 'Tokens', 'share.spend': 'Spend (USD equivalent)', rank: 'Rank', share: 'Share', group: 'Group', cost: 'Cost',
    'usage.title': 'Usage explorer', 'usage.by': 'Group by', key: 'Key', project: 'Project', run: 'Run', provider: 'Provider',
    day: 'Day', from: 'From (UTC day)', to: 'To (UTC day)', apply: 'Apply', 'usage.csv': 'Export CSV',
    'usage.note': 'Days are UTC days, as in `ciyuan usage`; the same filters there give the same numbers.',
    estimated_requests: 'Estimated', unpriced_requests: 'Unpriced',
    'elsewhere.title': 'What it would have cost elsewhere', 'elsewhere.pick': 'Compare with catalog models',
    'elsewhere.paid': 'What we paid', 'elsewhere.would': 'Would have cost', 'elsewhere.diff': 'Difference (USD)',
    'elsewhere.note': 'The same tokens with their cache split, at each model\'s list price (shortest prompt band, current time of day). CNY converted at routing.cny_to_usd.',
    'req.title': 'Latest requests', at: 'Time', status: 'Status', deployment: 'Deployment', attempts: 'Attempts', 'req.failed': 'Failed attempt',
    'req.detail': 'Details', 'req.bodies': 'Prompts and answers are never stored.', error: 'Error', streamed: 'Streamed',
    'runs.title': 'Agent runs', 'runs.timeline': 'Timeline of run', budget_used: 'Budget used',
    'budgets.title': 'Budget lines', 'budgets.new': 'New budget line', create: 'Create', edit: 'Edit', save: 'Save', cancel: 'Cancel',
    delete: 'Delete', amount: 'Amount', 'budgets.model': 'Model (optional)', 'budgets.readonly': 'Defined in the config file or by a key: change it there.',
    'keys.title': 'Client keys', 'keys.new': 'New key', name: 'Name', policy: 'Policy', prefix: 'Prefix', created: 'Created',
    revoke: 'Revoke', revoked: 'revoked', active: 'active', budget_usd: 'Budget (USD)', rpm: 'RPM', tpm: 'TPM', max_concurrency: 'Max concurrency',
    'keys.shown_once': 'The new key, shown only this once — store it now:',
    'dep.title': 'Deployments', circuit: 'Circuit', in_flight: 'In flight', ewma_ttft: 'EWMA TTFT', tokens_per_s: 'Tokens/s',
    recent_errors: 'Recent errors (15 min)', 'dep.explain': 'Route explain', 'dep.explain.run': 'Explain', max_tokens: 'Max tokens',
    'dep.note': 'RPM, TPM and recent errors are this instance\'s; circuit and EWMAs are what the router uses.',
    'doubt.title': 'In-doubt requests', 'doubt.help': 'Held requests of an instance that died: counted as spent at their held amount until released.',
    release: 'Release', held_usd: 'Held (USD)', released: 'released',
    'cat.title': 'Catalog', 'cat.search': 'Search', context: 'Context', input: 'Input', cache_hit: 'Cache hit', license: 'Licence',
    'cat.compare': 'Compare selected', 'cat.workload': 'Price of 1M input (cache hits as given) and 200k output tokens',
    'cat.hit_share': 'Cache-hit share of input', 'cat.per_m': 'per million tokens', 'cat.tiers': 'tiers',
    'cat.time_of_day': 'time-of-day window', 'cat.other_times': 'otherwise', configured: 'configured', source_date: 'Source date',
    confirm_revoke: 'Revoke this key? Requests with it are refused at once.', confirm_delete: 'Delete this budget line?',
    confirm_release: 'Release this request? Its hold stops counting as spent.', forbidden_viewer: 'Your role is read-only.',
    closed: 'closed', open: 'open', half_open: 'half-open', yes: 'yes', no: 'no',
  },
  zh: {
    skip: '跳到正文', language: '语言', theme: '浅色 / 深色', signout: '退出登录',
    'signin.title': '登录',
    'signin.help': '使用主密钥（CIYUAN_MASTER_KEY）或 `ciyuan admins create` 生成的管理令牌。它只发送一次；浏览器只保存会话 Cookie。',
    'signin.secret': '主密钥或管理令牌', 'signin.submit': '登录', 'signin.failed': '登录失败',
    'nav.overview': '概览', 'nav.share': '词元份额', 'nav.usage': '用量', 'nav.elsewhere': '换家对比',
    'nav.requests': '请求', 'nav.runs': '运行', 'nav.budgets': '预算', 'nav.keys': '密钥',
    'nav.deployments': '部署', 'nav.indoubt': '待定', 'nav.catalog': '目录',
    viewer: '查看者（只读）', admin: '管理员', live: '实时', loading: '加载中…', none: '暂无数据。',
    today: '今天', month: '本月', spend: '花费', requests: '请求数', errors: '错误', error_rate: '错误率',
    tokens: '词元', input_uncached: '输入（未缓存）', cache_read: '缓存读取', cache_write: '缓存写入',
    output: '输出', reasoning: '推理', total: '合计', cache_hit_ratio: '缓存命中率', cache_saved: '缓存节省',
    latency: '延迟（最近一小时）', p50: 'p50', p95: 'p95', ttft: '首词元时间', last24h: '最近 24 小时，按小时',
    budgets_against: '预算', scope: '范围', subject: '对象', model: '模型', period: '周期', limit: '上限', spent: '已花费',
    held: '已预留', remaining: '剩余', window: '窗口', source: '来源', currency: '币种', actions: '操作',
    estimated: '估算', unpriced: '未定价', suspect: '可疑',
    'share.title': '词元份额', 'share.by': '分组', 'share.window': '时间窗', 'share.metric': '显示',
    'share.model': '模型', 'share.provider': '供应商', 'share.family': '模型家族', 'share.jurisdiction': '司法辖区',
    'share.tokens': '词元', 'share.spend': '花费（折合美元）', rank: '排名', share: '占比', group: '分组', cost: '费用',
    'usage.title': '用量浏览', 'usage.by': '分组', key: '密钥', project: '项目', run: '运行', provider: '供应商',
    day: '日期', from: '起（UTC 日）', to: '止（UTC 日）', apply: '应用', 'usage.csv': '导出 CSV',
    'usage.note': '日期为 UTC 日，与 `ciyuan usage` 相同；同样的筛选得到同样的数字。',
    estimated_requests: '估算', unpriced_requests: '未定价',
    'elsewhere.title': '换到别家要花多少', 'elsewhere.pick': '与目录中的模型对比',
    'elsewhere.paid': '实际支付', 'elsewhere.would': '换家费用', 'elsewhere.diff': '差额（美元）',
    'elsewhere.note': '同样的词元（含缓存拆分）按各模型标价计算（最短提示档位、当前时段）。人民币按 routing.cny_to_usd 折算。',
    'req.title': '最新请求', at: '时间', status: '状态', deployment: '部署', attempts: '尝试次数', 'req.failed': '失败的尝试',
    'req.detail': '详情', 'req.bodies': '从不保存提示与回答。', error: '错误', streamed: '流式',
    'runs.title': '智能体运行', 'runs.timeline': '运行时间线', budget_used: '预算使用',
    'budgets.title': '预算条目', 'budgets.new': '新建预算', create: '创建', edit: '编辑', save: '保存', cancel: '取消',
    delete: '删除', amount: '金额', 'budgets.model': '模型（可选）', 'budgets.readonly': '由配置文件或密钥定义：请在那里修改。',
    'keys.title': '客户端密钥', 'keys.new': '新建密钥', name: '名称', policy: '策略', prefix: '前缀', created: '创建时间',
    revoke: '吊销', revoked: '已吊销', active: '有效', budget_usd: '预算（美元）', rpm: '每分钟请求', tpm: '每分钟词元', max_concurrency: '最大并发',
    'keys.shown_once': '新密钥只显示这一次——请立即保存：',
    'dep.title': '部署', circuit: '熔断', in_flight: '进行中', ewma_ttft: 'EWMA 首词元', tokens_per_s: '词元/秒',
    recent_errors: '近期错误（15 分钟）', 'dep.explain': '路由解释', 'dep.explain.run': '解释', max_tokens: '最大输出词元',
    'dep.note': '每分钟请求、词元和近期错误为本实例的；熔断与 EWMA 为路由器所用。',
    'doubt.title': '待定请求', 'doubt.help': '已宕机实例持有的请求：在释放前按预留金额计为已花费。',
    release: '释放', held_usd: '预留（美元）', released: '已释放',
    'cat.title': '模型目录', 'cat.search': '搜索', context: '上下文', input: '输入', cache_hit: '缓存命中', license: '许可证',
    'cat.compare': '对比所选', 'cat.workload': '100 万输入词元（按命中比例）加 20 万输出词元的价格',
    'cat.hit_share': '输入中缓存命中比例', 'cat.per_m': '每百万词元', 'cat.tiers': '档',
    'cat.time_of_day': '分时段', 'cat.other_times': '其他时段', configured: '已配置', source_date: '来源日期',
    confirm_revoke: '吊销此密钥？使用它的请求将立即被拒绝。', confirm_delete: '删除此预算条目？',
    confirm_release: '释放此请求？其预留不再计为花费。', forbidden_viewer: '您的角色为只读。',
    closed: '闭合', open: '断开', half_open: '半开', yes: '是', no: '否',
  },
};

const stored = localStorage.getItem('ciyuan.lang');
let lang = stored === 'zh' || stored === 'en' ? stored : (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
let zone = 'UTC';

export const locale = () => (lang === 'zh' ? 'zh-CN' : 'en-US');
export const language = () => lang;
export function setLanguage(value) {
  lang = value === 'zh' ? 'zh' : 'en';
  localStorage.setItem('ciyuan.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  translate(document);
}
export function setTimeZone(value) { zone = value || 'UTC'; }
export const timeZone = () => zone;

export const t = (key) => texts[lang][key] ?? texts.en[key] ?? key;

export function translate(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
}

export const num = (value, digits = 0) =>
  value === null || value === undefined ? '–' : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);

export const pct = (value) =>
  new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(value || 0);

/** Exact money from micro-units: shown with up to six decimals, never rounded away. */
export function money(micros, currency) {
  const negative = micros < 0;
  const abs = Math.abs(micros);
  const whole = Math.trunc(abs / 1e6);
  const fraction = String(abs % 1e6).padStart(6, '0').replace(/0{1,4}$/, '');
  const formatted = new Intl.NumberFormat(locale(), { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0 }).format(whole);
  const separator = new Intl.NumberFormat(locale()).formatToParts(1.5).find(p => p.type === 'decimal')?.value ?? '.';
  const text = fraction.length > 0 ? formatted.replace(/(\d)(?!.*\d)/, `$1${separator}${fraction}`) : formatted;
  return negative ? `-${text}` : text;
}

export const time = (iso) =>
  iso ? new Intl.DateTimeFormat(locale(), { timeZone: zone, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso)) : '–';

export const hour = (iso) =>
  new Intl.DateTimeFormat(locale(), { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date(iso));

export const date = (iso) =>
  new Intl.DateTimeFormat(locale(), { timeZone: zone, month: 'short', day: 'numeric' }).format(new Date(iso));
